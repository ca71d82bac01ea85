from . import test_dispute
from . import test_dispute_resolve
from . import test_dispute_security
from . import test_partner_payment_behaviour
from . import test_call_sheet
from . import test_call_outcome
from . import test_collection_worklist
