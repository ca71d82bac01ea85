from . import management_pack
from . import report_customer_statement
