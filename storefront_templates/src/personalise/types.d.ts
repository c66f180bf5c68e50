// The hub's personalised-product models as the page reads them (shared_protocol/forms.py;
// docs/personalise.md). Types only: nothing here reaches the bundles.

import type { Money } from "../shared/protocol";

export type Cell = string | number | null;
export type Row = Record<string, Cell>;
export type FieldValue = string | number | Row[] | null;

export interface FieldSpec {
  key: string;
  label: string;
  kind: "text" | "long_text" | "choice" | "number" | "date" | "rows" | string;
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
  kind: "per_row" | "per_unit" | "per_option" | "per_character" | string;
  field: string;
  amount: number | null;
  amounts: Record<string, number> | null;
}

export interface FormDefinition {
  intro: string;
  fields: FieldSpec[];
  price_rules: PriceRule[];
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

export interface DraftView {
  store_id: string;
  store_name: string;
  product_id: string;
  product_name: string;
  form: FormDefinition;
  form_version: number;
  values: Record<string, FieldState>;
  comments: DraftComment[];
  progress: Progress;
  unit_price: Money;
  shop_editing: "off" | "asked" | "allowed";
  held: boolean;
  expires_at: number | null;
  updated_at: number;
  version: number;
}
