from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        """Also give the shipped invoice check rules their names in the
        languages loaded (their names are data made per company, not records
        of the module's data files)."""
        result = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "invoice_dispute" in modules and "invoice.check.rule" in self.env:
            self.env["invoice.check.rule"]._translate_shipped_names(
                langs, overwrite=overwrite
            )
        return result
