from . import test_dispute
from . import test_dispute_resolve
from . import test_dispute_security
from . import test_tours
from . import test_i18n
from . import test_tone_phrase
from . import test_dispute_reply_wizard
from . import test_dispute_portal
