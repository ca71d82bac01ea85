from . import portal
from . import reminder_portal
