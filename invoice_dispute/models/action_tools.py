"""The one way the addon's smart buttons and wizards build the window action
that shows records: ``records_action``. No models here."""


def records_action(env, xmlid, records=None, domain=None, context=None):
    """The window action ``xmlid`` (``ir.actions.act_window``, read with
    ``_for_xml_id``: the user's access is checked) showing ``records`` or
    the records of ``domain``.

    :param env: the environment the action is read in
    :param str xmlid: the action's external id
    :param records: recordset (may be empty) shown by id; exactly one record
        opens in its form view. None: the action's records or ``domain``'s
    :param domain: list, the domain shown (when ``records`` is None); None
        keeps the action's
    :param context: dict, the action's context; None keeps the action's
    :return: dict, the window action
    """
    action = env["ir.actions.act_window"]._for_xml_id(xmlid)
    if records is not None:
        action["domain"] = [("id", "in", records.ids)]
        if len(records) == 1:
            action.update(view_mode="form", res_id=records.id, views=[])
    elif domain is not None:
        action["domain"] = domain
    if context is not None:
        action["context"] = context
    return action
