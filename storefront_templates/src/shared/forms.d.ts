// Personalised products as the browser code reads them (shared_protocol/forms.py, docs/personalise.md;
// the authoritative schema is docs/protocol.schema.json). Types only: nothing here reaches the bundles.

import type { Money } from "./protocol";

export type FieldKind = "text" | "long_text" | "choice" | "number" | "date" | "rows";
export type Cell = string | number | null;
export type Row = Record<string, Cell>;
export type FieldValue = string | number | Record<string, Cell>[] | null;

export interface FieldSpec {
  key: string;
  label: string;
  kind: string;
  required?: boolean;
  help?: string;
  min_length?: number | null;
  max_length?: number | null;
  options?: string[] | null;
  min?: number | null;
  max?: number | null;
  integer?: boolean;
  min_date?: string | null;
  max_date?: string | null;
  columns?: FieldSpec[] | null;
  min_rows?: number | null;
  max_rows?: number | null;
}

export interface PriceRule {
  kind: string;
  field: string;
  amount?: number | null;
  amounts?: Record<string, number> | null;
}

export interface FormDefinition {
  intro?: string;
  fields: FieldSpec[];
  price_rules?: PriceRule[];
}

export interface ProductForm {
  store_id: string;
  product_id: string;
  form: FormDefinition;
  version: number;
  updated_at: number;
}

export interface FieldState {
  value: FieldValue;
  by: "buyer" | "shop";
  by_name: string;
  at: number;
}

export interface DraftComment {
  id: string;
  field: string | null;
  text: string;
  by_name: string;
  at: number;
}

export interface Progress {
  done: number;
  required: number;
  missing: string[];
  complete: boolean;
}

export type ShopEditing = "off" | "asked" | "allowed";

export interface DraftView {
  store_id: string;
  store_name: string;
  product_id: string;
  product_name: string;
  cart_ref: string;
  form: FormDefinition;
  form_version: number;
  values: Record<string, FieldState>;
  comments: DraftComment[];
  progress: Progress;
  unit_price: Money;
  shop_editing: ShopEditing;
  held: boolean;
  expires_at: number | null;
  last_edit_at: number | null;
  last_edit_by: "buyer" | "shop" | null;
  updated_at: number;
  version: number;
}

export interface DraftSummary {
  cart_ref: string;
  product_id: string;
  product_name: string;
  qty: number;
  progress: Progress;
  shop_editing: ShopEditing;
  last_edit_at: number | null;
  last_edit_by: "buyer" | "shop" | null;
  expires_at: number;
  version: number;
}

export interface CustomisedField {
  key: string;
  label: string;
  kind: string;
  value: FieldValue;
  text: string;
}
