from . import invoice_dispute_resolve_wizard
