"""Data assembly, fine-tuning, evaluation and export of wenzhai models."""
