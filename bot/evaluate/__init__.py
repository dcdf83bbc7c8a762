"""`hoibao eval`: retrieval and answer quality over question sets (`run`), and written answers scored alike (`written`)."""
