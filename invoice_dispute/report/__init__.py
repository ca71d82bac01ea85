from . import management_pack
