from . import invoice_dispute_management_pack
from . import report_customer_statement
