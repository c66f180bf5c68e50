"""An import-linter contract type: these modules may import only the standard library, their
own package, and the modules listed (`make lint` runs it; see [tool.importlinter]).

import-linter's own `forbidden` contract lists what may NOT be imported; for a pure core the
useful rule is the other way round, so a new dependency has to be allowed on purpose.
"""

from __future__ import annotations

import sys
from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class AllowlistContract(Contract):
    type_name = "allowlist"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    allowed_modules = fields.ListField(subfield=fields.ModuleField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        sources = [m.name for m in self.source_modules]  # type: ignore[attr-defined]
        allowed = [m.name for m in self.allowed_modules or ()]  # type: ignore[attr-defined]
        broken: list[dict[str, Any]] = []
        for source in sources:
            for importer in sorted({source} | graph.find_descendants(source)):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    top = imported.split(".")[0]
                    if top in sys.stdlib_module_names or _within(imported, source):
                        continue
                    if any(_within(imported, a) for a in allowed):
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = [d["line_number"] for d in details]
                    broken.append({"importer": importer, "imported": imported, "lines": lines})
                    output.verbose_print(verbose, f"{importer} -> {imported} is not allowed")
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        allowed = ", ".join(m.name for m in self.allowed_modules or ()) or "nothing"  # type: ignore[attr-defined]
        output.print(f"Allowed besides the standard library: {allowed}")
        output.new_line()
        for item in check.metadata["broken"]:
            where = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(f"{item['importer']} imports {item['imported']} ({where})")
        output.new_line()
