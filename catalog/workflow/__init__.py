"""Who may do what, and the one governed write path: drafts, review, publication, history."""
