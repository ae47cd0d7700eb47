"""A patient's rights over their data: erasure (here and, through sync, everywhere), export for a
data-subject request, withdrawing consent, and the erasure list that survives a backup restore.

Who may do what (checked by :func:`core.privacy.actor.require`): erasure and consent withdrawal by an
admin, or by the patient for themselves; export by an admin or clinician, or by the patient for
themselves. The ``skinlab`` CLI acts as :data:`core.privacy.actor.DEVICE_OWNER` (whoever holds the
data directory and its key already holds everything in it).
"""
