"""One nested settings object, read from ``SONGFORGE_*`` environment variables and built once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class QueueBackend(StrEnum):
    """Which queue carries task ids to workers."""

    LOCAL = "local"
    PROCRASTINATE = "procrastinate"


class StorageBackend(StrEnum):
    """Where files live."""

    LOCAL = "local"
    S3 = "s3"


class KieErrorProfile(StrEnum):
    """Which vendor's meaning of the KIE numeric codes to use."""

    KIE = "kie"
    SUNOAPI_ORG = "sunoapi_org"


class DatabaseSettings(BaseModel):
    """Database connection."""

    url: str = Field("", description="SQLAlchemy URL; empty means SQLite at <data_dir>/songforge.db. "
                     "Use postgresql+psycopg://user:pass@host/db for PostgreSQL.")
    pool_size: int = Field(10, description="Connection pool size (PostgreSQL).")
    busy_timeout_ms: int = Field(30_000, description="SQLite busy timeout in milliseconds.")


class StorageSettings(BaseModel):
    """Blob storage for uploads and results."""

    backend: StorageBackend = Field(StorageBackend.LOCAL, description="local or s3.")
    local_dir: str = Field("", description="Directory for the local store; empty means <data_dir>/files.")
    s3_bucket: str = Field("songforge", description="S3 bucket name.")
    s3_endpoint_url: str = Field("", description="S3-compatible endpoint URL (empty: AWS default).")
    s3_region: str = Field("us-east-1", description="S3 region.")
    s3_access_key_id: str = Field("", description="S3 access key id (empty: the boto3 default chain).")
    s3_secret_access_key: str = Field("", description="S3 secret access key.")
    url_ttl_seconds: int = Field(15 * 24 * 3600, description="How long signed file URLs stay valid.")
    retention_days: int = Field(0, description="Delete generated files of tasks finished more than this many days "
                                "ago (the hosted gateways keep 14-15); 0 keeps them forever.")
    max_upload_bytes: int = Field(100 * 1024 * 1024, description="Largest accepted upload.")
    max_upload_seconds: float = Field(480.0, description="Longest accepted uploaded audio, seconds.")


class QueueSettings(BaseModel):
    """Task queue and workers."""

    backend: QueueBackend = Field(QueueBackend.LOCAL, description="local (SQL table, embedded) or procrastinate.")
    workers: int = Field(2, description="Worker processes started by `songforge serve` (0: none in-process).")
    lease_seconds: float = Field(60.0, description="A claimed job is reclaimed when its lease is not renewed "
                                 "for this long (dead worker).")
    heartbeat_seconds: float = Field(5.0, description="How often a worker renews its lease.")
    poll_seconds: float = Field(0.2, description="How often an idle worker looks for work.")
    task_timeout_seconds: float = Field(600.0, description="A task not finished this long after it started fails "
                                        "with 'time out'.")
    worker_nice: int = Field(19, description="Niceness added to worker processes started by `serve`, so music "
                             "making never starves the API (0 to disable).")
    max_attempts: int = Field(3, description="How many times a job is tried when its worker dies or the engine "
                              "says a retry may help.")


class CallbackSettings(BaseModel):
    """Callback (webhook) delivery."""

    allowed_networks: str = Field("", description="Comma-separated CIDRs that callbacks may target even though "
                                  "they are private/loopback/link-local, e.g. 127.0.0.0/8,10.0.0.0/8.")
    timeout_seconds: float = Field(15.0, description="Per-attempt timeout.")
    retry_schedule: str = Field("5,30,120", description="Seconds to wait before each retry, comma-separated; "
                                "the count is the number of retries.")
    poll_seconds: float = Field(0.5, description="How often the sender looks for due deliveries.")
    concurrency: int = Field(16, description="Deliveries in flight at once.")


class KieSettings(BaseModel):
    """KIE.AI / sunoapi.org dialect."""

    error_profile: KieErrorProfile = Field(KieErrorProfile.KIE, description="kie or sunoapi_org code table.")
    strict_callback_url: bool = Field(False, description="Reject requests without callBackUrl (code 422) as the "
                                      "vendors do; by default they are accepted and no callback is sent.")
    mirror_http_status: bool = Field(False, description="Also set the HTTP status for codes >= 500.")


class DialectSettings(BaseModel):
    """Which dialects are mounted and their options."""

    enabled: str = Field("suno,kie,apiinone", description="Comma-separated dialects to mount.")
    kie: KieSettings = Field(default_factory=KieSettings, description="KIE options.")


class Settings(BaseSettings):
    """Every setting of songforge. Env: SONGFORGE_<NAME>, nested with '__' (SONGFORGE_QUEUE__WORKERS=4)."""

    model_config = SettingsConfigDict(env_prefix="SONGFORGE_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(Path("./songforge-data"), description="Where the SQLite database, files and secrets live.")
    host: str = Field("127.0.0.1", description="Address `serve` listens on.")
    port: int = Field(8000, description="Port `serve` listens on.")
    public_base_url: str = Field("", description="Base URL clients reach us at (behind a proxy), e.g. "
                                 "https://music.example.com; empty means taken from each request.")
    secret_key: str = Field("", description="Secret for signed URLs; empty: generated once and kept in the database.")
    default_engine: str = Field("composer", description="Engine for models the routing table does not name.")
    engine_routes: dict[str, str] = Field(default_factory=dict, description="Model name → engine, e.g. "
                                          '{"chirp-v4": "composer", "V4_5": "acestep"}.')
    engines: dict[str, dict[str, Any]] = Field(default_factory=dict, description="Per-engine settings sections, "
                                               "e.g. SONGFORGE_ENGINES__COMPOSER__SOUNDFONT=/path.sf2.")
    prices: dict[str, int] = Field(default_factory=lambda: {
        "music": 10, "lyrics": 1, "concat": 0, "upload": 0, "wav": 0, "stems": 5, "midi": 2, "mp4": 2,
        "cover_image": 1, "style": 0, "persona": 0,
    }, description="Credits charged per task kind.")
    poll_cache_mb: int = Field(64, description="Memory for rendered poll responses per API process, reused while "
                               "the task is unchanged (0 disables the cache).")
    rate_limit_per_10s: int = Field(20, description="New tasks per key per 10 s (0: unlimited).")
    log_json: bool | None = Field(None, description="JSON logs; default: JSON when stderr is not a TTY.")
    log_level: str = Field("info", description="Log level.")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings, description="Database.")
    storage: StorageSettings = Field(default_factory=StorageSettings, description="File storage.")
    queue: QueueSettings = Field(default_factory=QueueSettings, description="Queue and workers.")
    callbacks: CallbackSettings = Field(default_factory=CallbackSettings, description="Callbacks.")
    dialects: DialectSettings = Field(default_factory=DialectSettings, description="Dialects.")

    @property
    def database_url(self) -> str:
        """The effective database URL."""
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(self.data_dir / 'songforge.db').resolve()}"

    @property
    def files_dir(self) -> Path:
        """The effective local storage directory."""
        return Path(self.storage.local_dir) if self.storage.local_dir else self.data_dir / "files"

    @property
    def is_sqlite(self) -> bool:
        """True when the database is SQLite."""
        return self.database_url.startswith("sqlite")

    def enabled_dialects(self) -> list[str]:
        """Dialect names to mount."""
        return [d.strip() for d in self.dialects.enabled.split(",") if d.strip()]
