from . import test_dispute
from . import test_dispute_resolve
from . import test_dispute_security
from . import test_payment_schedule
from . import test_payment_plan
from . import test_payment_promise
from . import test_dispute_proposal
