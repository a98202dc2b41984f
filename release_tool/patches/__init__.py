"""Patch management: sweep fixes between release lines, and the patch matrix.

A small pure core (:mod:`.config` the label names, :mod:`.model` names,
labels and the sweep plan, :mod:`.presence` where a fix is present,
:mod:`.matrix` the cells and summaries, :mod:`.render` the text, markdown,
HTML and JSON forms) and adapters at the edge (:mod:`.graph` one history
walk and one patch-id pass, :mod:`.gitops` temporary worktrees, cherry-picks,
pushes and ``git merge-tree`` predictions, :mod:`.sweeper` the resumable
sweep through the forge).
"""
