"""Throwaway PostgreSQL 15 and Elasticsearch 8 servers for the test run.

Both are context managers that yield a URL and stop their server (and every
child process) on exit. When a server cannot be provided they raise
:class:`ServiceUnavailable` with the exact reason, so the runner can report it
loudly (and fail under ``CI=true``).

PostgreSQL and Elasticsearch both refuse to run as root; when this script runs
as root they are started as ``nobody`` (``setpriv``) in a world-writable
temporary directory.

Environment overrides (use an existing server instead of starting one):

``QP_TEST_POSTGRES_URL``
    e.g. ``postgresql://qp@db.example:5432/qp``.
``QP_TEST_ELASTICSEARCH_URL``
    e.g. ``http://127.0.0.1:9200``.
``QP_ES_VERSION``
    Version of the integration-test distribution fetched from Maven Central
    (default ``8.19.0``).
``QP_ES_ANALYSIS_PLUGIN``
    Path of a prebuilt zip of the Russian analysis plugin (default: build
    ``search/es_plugin`` with Maven when its zip is missing or older than its
    sources). The plugin is installed into every node started here.
``QP_PG_BINDIR``
    Directory with ``initdb``/``pg_ctl`` (default: ``pg_config --bindir``, then
    ``/usr/lib/postgresql/15/bin``).
``QP_CHROMIUM``
    A Chromium binary for the browser tests (default: Debian's ``chromium``).
``QP_AXE_SCRIPT``
    axe-core's ``axe.min.js`` (default: ``node_modules/axe-core``, installed
    with ``npm ci`` from ``package-lock.json`` when missing).

Command line: ``python scripts/services.py smoke`` starts both and prints
their versions; ``python scripts/services.py fetch-es`` only downloads.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

Log = Callable[[str], None]

ES_DEFAULT_VERSION = "8.19.0"
ES_ARTIFACT = (
    "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
)
ES_HEAP = "512m"
ES_START_TIMEOUT = 180
PG_START_TIMEOUT = 60
PG_USER = "qp"
PG_DATABASE = "qp"
ES_PLUGIN_DIR = Path(__file__).resolve().parent.parent / "search" / "es_plugin"
ES_PLUGIN_ZIP_NAME = "qp-analysis-russian.zip"
ES_PLUGIN_BUILD_TIMEOUT = 600


class ServiceUnavailable(RuntimeError):
    """A test service could not be provided; the message says exactly why."""


# --------------------------------------------------------------------------- helpers


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _as_service_user(command: list[str]) -> list[str]:
    """Prefix a command so it runs as ``nobody`` when we are root."""
    if not _is_root():
        return command
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [
            setpriv,
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--",
            *command,
        ]
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "nobody", "--", *command]
    raise ServiceUnavailable(
        "запущено от root, но нет ни setpriv, ни runuser, чтобы сменить пользователя"
    )


def _give_to_service_user(path: Path) -> None:
    """Let ``nobody`` own a directory tree we created as root."""
    if not _is_root():
        return
    import pwd

    user = pwd.getpwnam("nobody")
    for root, dirs, files in os.walk(path):
        os.chown(root, user.pw_uid, user.pw_gid)
        for name in dirs + files:
            os.chown(
                os.path.join(root, name),
                user.pw_uid,
                user.pw_gid,
                follow_symlinks=False,
            )


def _workdir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def _stop_group(
    process: subprocess.Popen,
    name: str,
    log: Log,
    timeout: float = 30,
    sig: signal.Signals = signal.SIGTERM,
) -> None:
    """Stop a process group started with ``start_new_session``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop in {timeout:.0f} s, killing it")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _start_logged(
    command: list[str], logfile: Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """Start a server in its own process group, its output (both streams) to
    ``logfile``; stop it with :func:`_stop_group`."""
    with logfile.open("wb") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(журнал недоступен)"


# --------------------------------------------------------------------------- PostgreSQL


def postgres_bindir() -> Path:
    """Find the directory with PostgreSQL server binaries (``initdb``, ``pg_ctl``)."""
    candidates: list[Path] = []
    if os.environ.get("QP_PG_BINDIR"):
        candidates.append(Path(os.environ["QP_PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            output = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
            candidates.append(Path(output))
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "postgres").exists():
            return candidate
    raise ServiceUnavailable(
        "не найдены initdb/postgres: установите пакет postgresql-15 или задайте QP_PG_BINDIR "
        f"(искали: {', '.join(map(str, candidates)) or 'нигде'})"
    )


@contextlib.contextmanager
def postgresql(log: Log = print) -> Iterator[str]:
    """Start a throwaway PostgreSQL cluster; yield its URL; delete it on exit."""
    override = os.environ.get("QP_TEST_POSTGRES_URL", "").strip()
    if override:
        log(f"using QP_TEST_POSTGRES_URL={override}")
        yield override
        return

    bindir = postgres_bindir()
    workdir = _workdir("qp-pg-")
    data = workdir / "data"
    logfile = workdir / "postgres.log"
    _give_to_service_user(workdir)
    port = _free_port()
    process: subprocess.Popen | None = None
    try:
        log(f"initdb in {data} ({bindir})")
        initdb = subprocess.run(
            _as_service_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    PG_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            capture_output=True,
            text=True,
            cwd=workdir,
        )
        if initdb.returncode != 0:
            raise ServiceUnavailable(
                f"initdb завершился с кодом {initdb.returncode}: "
                f"{(initdb.stderr or initdb.stdout).strip()[-800:]}"
            )
        command = _as_service_user(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-h",
                "127.0.0.1",
                "-k",
                str(workdir),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=50",
            ]
        )
        process = _start_logged(command, logfile, workdir)
        url = f"postgresql://{PG_USER}@127.0.0.1:{port}/{PG_DATABASE}"
        _wait_for_postgres(process, port, logfile)
        _create_database(port)
        log(f"PostgreSQL ready at {url}")
        yield url
    finally:
        if process is not None:
            # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for
            # clients (a test process may still hold a connection).
            _stop_group(process, "postgres", log, sig=signal.SIGINT)
            log("PostgreSQL stopped")
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_for_postgres(process: subprocess.Popen, port: int, logfile: Path) -> None:
    import psycopg

    deadline = time.monotonic() + PG_START_TIMEOUT
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceUnavailable(
                f"postgres завершился с кодом {process.returncode}:\n{_tail(logfile)}"
            )
        try:
            with psycopg.connect(
                host="127.0.0.1",
                port=port,
                user=PG_USER,
                dbname="postgres",
                connect_timeout=2,
            ):
                return
        except psycopg.OperationalError as error:
            last_error = str(error).strip()
            time.sleep(0.3)
    raise ServiceUnavailable(
        f"PostgreSQL не ответил за {PG_START_TIMEOUT} с: {last_error}\n{_tail(logfile)}"
    )


def _create_database(port: int) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=port, user=PG_USER, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')


# --------------------------------------------------------------------------- Elasticsearch


def es_version() -> str:
    """The Elasticsearch version to provision (``QP_ES_VERSION``)."""
    return os.environ.get("QP_ES_VERSION", "").strip() or ES_DEFAULT_VERSION


def _maven_repository() -> Path:
    custom = os.environ.get("MAVEN_REPO_LOCAL", "").strip()
    return Path(custom) if custom else Path.home() / ".m2" / "repository"


def fetch_elasticsearch(version: str | None = None, log: Log = print) -> Path:
    """Download (or reuse from the Maven cache) the integ-test zip; return its path."""
    version = version or es_version()
    zip_path = (
        _maven_repository()
        / "org/elasticsearch/distribution/integ-test-zip/elasticsearch"
        / version
        / f"elasticsearch-{version}.zip"
    )
    if zip_path.exists() and zipfile.is_zipfile(zip_path):
        log(f"Elasticsearch {version}: cached {zip_path}")
        return zip_path
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServiceUnavailable(
            "нет Maven (mvn) для загрузки Elasticsearch; установите maven "
            "или задайте QP_TEST_ELASTICSEARCH_URL"
        )
    artifact = ES_ARTIFACT.format(version=version)
    log(f"downloading {artifact} from Maven Central")
    command = [
        mvn,
        "-q",
        "-B",
        "dependency:get",
        f"-Dartifact={artifact}",
        "-Dtransitive=false",
    ]
    if os.environ.get("MAVEN_REPO_LOCAL"):
        command.append(f"-Dmaven.repo.local={_maven_repository()}")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not zip_path.exists():
        output = _output(result)
        raise ServiceUnavailable(
            f"Maven не загрузил {artifact} (код {result.returncode}): {output}"
        )
    return zip_path


def _output(result: subprocess.CompletedProcess) -> str:
    """The end of what a finished command printed, for an error message."""
    return (result.stdout + result.stderr).strip()[-1500:]


def _run_within(
    command: list[str], cwd: Path, timeout: float, late: str
) -> subprocess.CompletedProcess:
    """Run ``command`` in ``cwd`` capturing its output; ``late`` is the error
    when it does not finish within ``timeout`` seconds."""
    try:
        return subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as error:
        raise ServiceUnavailable(late) from error


def _java_home() -> str:
    for key in ("ES_JAVA_HOME", "JAVA_HOME"):
        value = os.environ.get(key, "").strip()
        if value and (Path(value) / "bin" / "java").exists():
            return value
    java = shutil.which("java")
    if java:
        return str(Path(java).resolve().parent.parent)
    raise ServiceUnavailable("нет Java 17+ для Elasticsearch: задайте ES_JAVA_HOME")


def _plugin_sources_mtime() -> float:
    sources = [ES_PLUGIN_DIR / "pom.xml", *(ES_PLUGIN_DIR / "src").rglob("*")]
    return max(path.stat().st_mtime for path in sources if path.is_file())


def build_analysis_plugin(log: Log = print) -> Path:
    """Build the Russian analysis plugin (``search/es_plugin``) if needed; return its zip.

    Maven runs offline first (everything is in ``~/.m2`` after one online build)
    and online only when the offline build fails. ``QP_ES_ANALYSIS_PLUGIN``
    points at a prebuilt zip instead.
    """
    override = os.environ.get("QP_ES_ANALYSIS_PLUGIN", "").strip()
    if override:
        path = Path(override)
        if not zipfile.is_zipfile(path):
            raise ServiceUnavailable(
                f"QP_ES_ANALYSIS_PLUGIN={override}: это не zip-архив плагина"
            )
        return path
    target = ES_PLUGIN_DIR / "target" / ES_PLUGIN_ZIP_NAME
    if target.exists() and target.stat().st_mtime >= _plugin_sources_mtime():
        log(f"analysis plugin: up to date {target}")
        return target
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServiceUnavailable(
            "нет Maven (mvn) для сборки плагина русского анализа search/es_plugin; "
            "установите maven или задайте QP_ES_ANALYSIS_PLUGIN"
        )
    base = [mvn, "-q", "-B", "package"]
    if os.environ.get("MAVEN_REPO_LOCAL"):
        base.append(f"-Dmaven.repo.local={_maven_repository()}")
    failure = ""
    for offline in (True, False):
        command = [*base, "-o"] if offline else base
        log(f"analysis plugin: {' '.join(command[1:])} in {ES_PLUGIN_DIR}")
        result = _run_within(
            command,
            ES_PLUGIN_DIR,
            ES_PLUGIN_BUILD_TIMEOUT,
            f"сборка плагина search/es_plugin не закончилась за {ES_PLUGIN_BUILD_TIMEOUT} с",
        )
        if result.returncode == 0 and target.exists():
            return target
        failure = f"код {result.returncode}: {_output(result)}"
    raise ServiceUnavailable(
        f"Maven не собрал плагин русского анализа search/es_plugin ({failure})"
    )


def _install_analysis_plugin(home: Path, java_home: str, log: Log) -> None:
    plugin = build_analysis_plugin(log)
    result = subprocess.run(
        [
            str(home / "bin" / "elasticsearch-plugin"),
            "install",
            "--batch",
            plugin.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ES_JAVA_HOME": java_home,
            "HOME": str(home),
            "LANG": "C.UTF-8",
        },
        timeout=120,
    )
    if result.returncode != 0:
        output = _output(result)
        raise ServiceUnavailable(
            f"elasticsearch-plugin не установил {plugin} (код {result.returncode}): {output}"
        )
    log(f"analysis plugin installed from {plugin}")


@contextlib.contextmanager
def elasticsearch(log: Log = print) -> Iterator[str]:
    """Start a single-node Elasticsearch 8 from the integ-test zip; yield its URL."""
    override = os.environ.get("QP_TEST_ELASTICSEARCH_URL", "").strip()
    if override:
        log(f"using QP_TEST_ELASTICSEARCH_URL={override}")
        try:
            log(f"Elasticsearch {elasticsearch_version(override)} answers")
        except OSError as error:
            raise ServiceUnavailable(f"{override} не отвечает: {error}") from error
        yield override
        return

    version = es_version()
    zip_path = fetch_elasticsearch(version, log)
    java_home = _java_home()
    workdir = _workdir("qp-es-")
    process: subprocess.Popen | None = None
    try:
        # The Maven cache lives under the (private) home directory; the server
        # runs as another user, so it gets its own extracted copy.
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(workdir)
        home = workdir / f"elasticsearch-{version}"
        for script in (home / "bin").iterdir():
            script.chmod(0o755)
        _install_analysis_plugin(home, java_home, log)
        (workdir / "data").mkdir()
        (workdir / "logs").mkdir()
        (workdir / "tmp").mkdir()
        _give_to_service_user(workdir)
        port = _free_port()
        transport = _free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ES_JAVA_HOME": java_home,
            "ES_JAVA_OPTS": f"-Xms{ES_HEAP} -Xmx{ES_HEAP}",
            "ES_TMPDIR": str(workdir / "tmp"),
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
        }
        command = _as_service_user(
            [
                str(home / "bin" / "elasticsearch"),
                "-E",
                "discovery.type=single-node",
                "-E",
                "xpack.security.enabled=false",
                "-E",
                "network.host=127.0.0.1",
                "-E",
                f"http.port={port}",
                "-E",
                f"transport.port={transport}",
                "-E",
                f"path.data={workdir / 'data'}",
                "-E",
                f"path.logs={workdir / 'logs'}",
                "-E",
                "cluster.routing.allocation.disk.threshold_enabled=false",
            ]
        )
        logfile = workdir / "stdout.log"
        log(f"starting Elasticsearch {version} on 127.0.0.1:{port} (heap {ES_HEAP})")
        process = _start_logged(command, logfile, workdir, env)
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        _wait_for_elasticsearch(process, url, logfile)
        log(f"Elasticsearch ready at {url} in {time.monotonic() - started:.0f} s")
        yield url
    finally:
        if process is not None:
            _stop_group(process, "elasticsearch", log)
            log("Elasticsearch stopped")
        shutil.rmtree(workdir, ignore_errors=True)


def _http_json(url: str, timeout: float = 5) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (local URL)
        return json.loads(response.read().decode())


def elasticsearch_version(url: str) -> str:
    """The version a node reports (the integ-test build does not serve ``GET /``)."""
    data = _http_json(url.rstrip("/") + "/_nodes/_local?filter_path=nodes.*.version")
    return str(next(iter(data["nodes"].values()))["version"])


def _wait_for_elasticsearch(process: subprocess.Popen, url: str, logfile: Path) -> None:
    deadline = time.monotonic() + ES_START_TIMEOUT
    health = url + "/_cluster/health?wait_for_status=yellow&timeout=5s"
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceUnavailable(
                f"Elasticsearch завершился с кодом {process.returncode}:\n{_tail(logfile)}"
            )
        try:
            status = _http_json(health, timeout=10).get("status")
            if status in {"yellow", "green"}:
                return
            last_error = f"status={status}"
        except (OSError, ValueError) as error:
            last_error = str(error)
        time.sleep(1)
    raise ServiceUnavailable(
        f"Elasticsearch не ответил за {ES_START_TIMEOUT} с: {last_error}\n{_tail(logfile)}"
    )


# --------------------------------------------------------------------------- CLI


def _smoke() -> int:
    with elasticsearch() as es_url:
        print(f"elasticsearch {elasticsearch_version(es_url)} at {es_url}")
        with postgresql() as pg_url:
            import psycopg

            with psycopg.connect(pg_url) as connection:
                (version,) = connection.execute("SHOW server_version").fetchone()
            print(f"postgresql {version} at {pg_url}")
    return 0


def _serve(env_file: Path) -> int:
    """Start both services, write their URLs to ``env_file`` and wait for a signal.

    For development: ``source var/services.env`` in another shell, then run any
    part of the suite against the same PostgreSQL and Elasticsearch.
    """
    stop = {"now": False}

    def _on_signal(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with postgresql() as pg_url, elasticsearch() as es_url:
        env_file.parent.mkdir(parents=True, exist_ok=True)
        env_file.write_text(
            f"export DATABASE_URL={pg_url}\n"
            f"export QP_TEST_POSTGRES_URL={pg_url}\n"
            f"export QP_TEST_ELASTICSEARCH_URL={es_url}\n",
            encoding="utf-8",
        )
        print(f"services ready; URLs in {env_file}", flush=True)
        while not stop["now"]:
            time.sleep(0.5)
    env_file.unlink(missing_ok=True)
    return 0


def main(argv: list[str]) -> int:
    """``smoke`` starts both services and prints versions; ``fetch-es`` downloads;
    ``serve [FILE]`` keeps both running and writes their URLs to FILE
    (default ``var/services.env``)."""
    command = argv[0] if argv else "smoke"
    try:
        if command == "fetch-es":
            print(fetch_elasticsearch())
            return 0
        if command == "smoke":
            return _smoke()
        if command == "serve":
            default = Path(__file__).resolve().parent.parent / "var" / "services.env"
            target = Path(argv[1]) if len(argv) > 1 else default
            return _serve(target)
    except ServiceUnavailable as error:
        print(f"UNAVAILABLE: {error}", file=sys.stderr)
        return 1
    print(f"unknown command {command!r}; use smoke, serve or fetch-es", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# --------------------------------------------------------------------------- Debian packages


def _debian_binary(
    package: str, variable: str, find: Callable[[], str | None], log: Log
) -> str:
    """The binary ``find`` locates, installing Debian's ``package`` if needed.

    ``variable`` names a binary to use instead; when it is set but missing, or
    nothing is found and this is not root with ``apt-get``, nothing is
    installed. ``apt-get update`` runs only when a first install fails.

    Raises:
        ServiceUnavailable: no binary and it cannot be installed here.
    """
    found = find()
    if found:
        log(f"{package}: {found}")
        return found
    if os.environ.get(variable, "").strip():
        raise ServiceUnavailable(f"{variable}={os.environ[variable]} не найден")
    apt = shutil.which("apt-get")
    if not (_is_root() and apt):
        raise ServiceUnavailable(
            f"нет {package}: установите пакет {package} "
            f"(apt-get install {package}) или задайте {variable}"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = [apt, "install", "-y", "--no-install-recommends", package]
    log(f"installing Debian's {package} package")
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        log("apt-get install failed; refreshing package lists and retrying")
        subprocess.run([apt, "update"], capture_output=True, text=True, env=env)
        result = subprocess.run(command, capture_output=True, text=True, env=env)
    found = find()
    if result.returncode != 0 or not found:
        output = _output(result)
        raise ServiceUnavailable(
            f"apt-get не установил {package} (код {result.returncode}): {output}"
        )
    log(f"{package} installed: {found}")
    return found


# --------------------------------------------------------------------------- Chromium

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def _find_chromium() -> str | None:
    override = os.environ.get("QP_CHROMIUM", "").strip()
    if override:
        return override if Path(override).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium(log: Log = print) -> str:
    """The path of a Chromium for browser tests, installing Debian's package if needed.

    ``QP_CHROMIUM`` names a binary to use. Otherwise ``chromium`` on PATH;
    when missing and running as root with ``apt-get``, the Debian package is
    installed (once per machine). Never downloads a browser elsewhere.

    Raises:
        ServiceUnavailable: no Chromium and it cannot be installed here.
    """
    return _debian_binary("chromium", "QP_CHROMIUM", _find_chromium, log)


# --------------------------------------------------------------------------- nginx


def _find_nginx() -> str | None:
    override = os.environ.get("QP_NGINX", "").strip()
    if override:
        return override if Path(override).exists() else None
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def nginx(log: Log = print) -> str:
    """The path of Debian's nginx for the multi-instance test, installed if needed.

    ``QP_NGINX`` names a binary to use. Otherwise ``nginx`` (also looked for in
    ``/usr/sbin``); when missing and running as root with ``apt-get``, the
    Debian package is installed (once per machine).

    Raises:
        ServiceUnavailable: no nginx and it cannot be installed here.
    """
    return _debian_binary("nginx", "QP_NGINX", _find_nginx, log)


# --------------------------------------------------------------------------- WeasyPrint

#: Debian packages of the shared libraries WeasyPrint loads (the PDF documents
#: of ``publications.documents``), with the name ``ctypes`` finds each by.
WEASYPRINT_LIBRARIES = (
    ("libpango-1.0-0", "pango-1.0"),
    ("libpangoft2-1.0-0", "pangoft2-1.0"),
    ("libharfbuzz-subset0", "harfbuzz-subset"),
    ("fonts-dejavu-core", None),
)


def _find_dejavu() -> str | None:
    path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    return str(path) if path.exists() else None


def weasyprint_libraries(log: Log = print) -> list[str]:
    """Pango, HarfBuzz and the DejaVu fonts for the PDF documents, installed if needed.

    ``QP_WEASYPRINT_LIBS`` set to anything means "provided elsewhere": then a
    missing library is reported, never installed.

    Raises:
        ServiceUnavailable: a library is missing and cannot be installed here.
    """
    import ctypes.util

    found = []
    for package, library in WEASYPRINT_LIBRARIES:
        find = (
            _find_dejavu
            if library is None
            else (lambda name=library: ctypes.util.find_library(name))
        )
        found.append(_debian_binary(package, "QP_WEASYPRINT_LIBS", find, log))
    return found


# --------------------------------------------------------------------------- axe-core

REPO_ROOT = Path(__file__).resolve().parent.parent
AXE_PACKAGE = REPO_ROOT / "node_modules" / "axe-core"
NPM_CI_TIMEOUT = 600


def _locked_axe_version() -> str | None:
    with contextlib.suppress(OSError, ValueError, KeyError):
        lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
        return lock["packages"]["node_modules/axe-core"]["version"]
    return None


def _installed_axe_version() -> str | None:
    with contextlib.suppress(OSError, ValueError, KeyError):
        return json.loads((AXE_PACKAGE / "package.json").read_text())["version"]
    return None


def axe_core(log: Log = print) -> str:
    """The path of axe-core's ``axe.min.js`` for the accessibility tests.

    ``QP_AXE_SCRIPT`` names a file to use. Otherwise the npm package locked in
    ``package-lock.json``: ``npm ci`` installs it into ``node_modules/`` when
    it is missing or another version is installed.

    Raises:
        ServiceUnavailable: no axe-core and npm cannot install it here.
    """
    override = os.environ.get("QP_AXE_SCRIPT", "").strip()
    if override:
        if not Path(override).is_file():
            raise ServiceUnavailable(f"QP_AXE_SCRIPT={override} не найден")
        log(f"axe-core: {override}")
        return override
    script = AXE_PACKAGE / "axe.min.js"
    locked = _locked_axe_version()
    installed = _installed_axe_version()
    if script.is_file() and installed == locked:
        log(f"axe-core {installed}: {script}")
        return str(script)
    npm = shutil.which("npm")
    if not npm:
        raise ServiceUnavailable(
            "нет axe-core и нет npm, чтобы его установить: установите Node.js с npm "
            "и выполните npm ci, или задайте QP_AXE_SCRIPT"
        )
    log(f"installing axe-core {locked} (installed: {installed or 'none'}): npm ci")
    command = [npm, "ci", "--no-audit", "--no-fund"]
    result = _run_within(
        command,
        REPO_ROOT,
        NPM_CI_TIMEOUT,
        f"npm ci не завершился за {NPM_CI_TIMEOUT} с",
    )
    if result.returncode != 0 or not script.is_file():
        raise ServiceUnavailable(
            f"npm ci не установил axe-core (код {result.returncode}): {_output(result)}"
        )
    log(f"axe-core {_installed_axe_version()} installed: {script}")
    return str(script)
