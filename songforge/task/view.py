"""What dialect serializers need to render a task: URLs of its files, resolved once per response."""

from __future__ import annotations

from dataclasses import dataclass

from songforge.storage.urls import UrlSigner
from songforge.task.models import Clip, ClipStatus, Task


@dataclass(frozen=True)
class RenderContext:
    """Turns blob keys into public URLs under ``base_url``."""

    signer: UrlSigner
    base_url: str

    @classmethod
    def for_task(cls, signer: UrlSigner, public_base_url: str, task: Task) -> RenderContext:
        """Base URL: the configured public one, else the one the task was submitted through."""
        return cls(signer, public_base_url or str(task.params.get("_base_url", "")) or "http://localhost")

    def file_url(self, key: str | None) -> str:
        """URL of a blob, or "" when there is none."""
        return self.signer.file_url(self.base_url, key) if key else ""

    def clip_file(self, clip: Clip, role: str) -> str:
        """URL of one of a clip's files ("mp3", "wav", "png", "midi", "mp4", "vocal" ...), or ""."""
        return self.file_url(clip.files.get(role))

    def audio_url(self, clip: Clip) -> str:
        """The final mp3 once complete, "" before."""
        return self.clip_file(clip, "mp3") if clip.status == ClipStatus.COMPLETE else ""

    def stream_url(self, clip: Clip) -> str:
        """The stream URL once audio started, "" before."""
        if clip.status in (ClipStatus.STREAMING, ClipStatus.COMPLETE) and (clip.files.get("stream")
                                                                          or clip.files.get("mp3")):
            return self.signer.stream_url(self.base_url, clip.id)
        return ""

    def playing_url(self, clip: Clip) -> str:
        """What a Suno-style ``audio_url`` shows: final mp3 when complete, the stream while streaming."""
        return self.audio_url(clip) or self.stream_url(clip)

    def image_url(self, clip: Clip) -> str:
        """Cover art URL, or ""."""
        return self.clip_file(clip, "png")
