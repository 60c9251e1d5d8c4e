"""Derivative media (wav, stems, midi, video, cover art, concat) and upload processing, run on the media queue."""
