from . import invoice_dispute_resolve_wizard
from . import invoice_back_billing_wizard
