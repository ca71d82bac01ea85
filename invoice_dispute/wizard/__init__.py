from . import invoice_dispute_resolve_wizard
from . import invoice_dispute_reply_wizard
from . import invoice_call_outcome_wizard
from . import invoice_dispute_export_wizard
from . import invoice_back_billing_wizard
from . import invoice_reminder_send_wizard
from . import invoice_check_override_wizard
