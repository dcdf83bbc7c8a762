"""Background work beside the bots: the seeds folder watched, the index followed, sites refreshed, publish hooks."""
