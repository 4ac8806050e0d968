"""Batch scoring of whole archives: `wenzhai batch INPUT OUTPUT`.

One per-batch function (:func:`serving.batch.scoring.process_rows`) turns a chunk of raw input rows
into output lines. The in-process engine calls it in a loop; the Ray engine calls the very same
function inside actors that load the model once each. Everything around it (reading JSONL/Parquet,
resuming from a partial OUTPUT, the progress bar and counts) is shared by both engines.
"""
