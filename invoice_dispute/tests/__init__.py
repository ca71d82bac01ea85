from . import test_dispute
from . import test_dispute_resolve
from . import test_dispute_security
from . import test_reminder
from . import test_payment_discrepancy
from . import test_back_billing
from . import test_reminder_concurrency
