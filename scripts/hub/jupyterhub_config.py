# JupyterHub's configuration for "make hub" (scripts/hub.sh, which sets the environment read here).
#
# Each student on the list ($CVLESSONS_HUB_DIR/students, written by "scripts/hub.sh add") logs in
# with the password hub.sh gave them, and gets a JupyterLab server of their own on the GoNB kernel,
# whose folder is their own copy of the course's notebooks ($CVLESSONS_HUB_DIR/homes/NAME). The hub
# only lets a student reach their own server.
#
# Every server runs as the Unix user who started the hub (JupyterHub's SimpleLocalProcessSpawner),
# sharing its Go toolchain, module and build caches, so a notebook starts in seconds and works
# offline. That also means a student's code can read the other students' folders: the hub keeps
# students apart in the browser, not on the machine. docker/README.md says more.
import hashlib
import hmac
import os
import shutil
import signal

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner

c = get_config()  # noqa: F821 (JupyterHub defines it)


def env(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit("cvlessons hub: $%s is not set; start the hub with scripts/hub.sh" % name)
    return value


HUB_DIR = env("CVLESSONS_HUB_DIR")
ROOT = env("CVLESSONS_ROOT")
VENV = env("CVLESSONS_VENV")
STUDENTS = os.path.join(HUB_DIR, "students")


def check_password(stored, password):
    """Whether password matches a stored "scrypt$N$r$p$SALT$HASH" entry (hex salt and hash)."""
    try:
        kind, n, r, p, salt, want = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(want) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), want)


class CourseAuthenticator(Authenticator):
    """Students and their password hashes from $CVLESSONS_HUB_DIR/students, read at each login, so
    that "scripts/hub.sh add" works while the hub runs."""

    async def authenticate(self, handler, data):
        name, password = data.get("username", ""), data.get("password", "")
        try:
            with open(STUDENTS, encoding="utf-8") as f:
                entries = dict(line.rstrip("\n").split(":", 1) for line in f if ":" in line)
        except OSError as e:
            self.log.error("cvlessons hub: cannot read the students' list %s: %s", STUDENTS, e)
            return None
        if name in entries and check_password(entries[name], password):
            return name
        self.log.warning("cvlessons hub: refused a login as %r", name)
        return None


def copy_notebooks(spawner):
    """Gives a student their own copy of the course's notebooks, once: later logins keep their work."""
    home = spawner.home_dir
    os.makedirs(home, exist_ok=True)
    src = os.path.join(ROOT, "notebooks")
    for name in sorted(os.listdir(src)):
        if name.endswith(".ipynb") and not os.path.exists(os.path.join(home, name)):
            shutil.copy(os.path.join(src, name), os.path.join(home, name))


def stop_kernels(spawner):
    """Stops the kernels a student's server left behind: each runs in a session of its own and is
    named by its connection file, which lies in the student's folder."""
    marker = os.path.join(spawner.home_dir, ".local", "share", "jupyter", "runtime", "kernel-")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmdline = f.read().decode("utf-8", "replace")
            if marker in cmdline:
                spawner.log.info("cvlessons hub: stopping %s's kernel, pid %s", spawner.user.name, pid)
                os.kill(int(pid), signal.SIGTERM)
        except (OSError, ValueError):
            pass


c.JupyterHub.authenticator_class = CourseAuthenticator
c.Authenticator.allow_all = True  # authenticate() admits only the students on the list
c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(HUB_DIR, "homes", "{username}")
c.Spawner.pre_spawn_hook = copy_notebooks
c.Spawner.post_stop_hook = stop_kernels
# On stop, SIGTERM at once and time for the server to shut its kernels down (GoNB takes a few seconds).
c.SimpleLocalProcessSpawner.interrupt_timeout = 1
c.SimpleLocalProcessSpawner.term_timeout = 20
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
c.Spawner.cmd = [os.path.join(VENV, "bin", "jupyterhub-singleuser")]
c.Spawner.args = ["--MultiKernelManager.default_kernel_name=gonb"]
if os.environ.get("CVLESSONS_HUB_EXPOSE_APP") == "1":  # scripts/check-hub.sh drives JupyterLab
    c.Spawner.args.append("--LabApp.expose_app_in_browser=True")
if os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# The kernel's environment: the course's checkout, the hub user's Go and its caches, GoNB's kernel
# registration, Go offline (lib.sh's offline_go_env), the preset.
c.Spawner.environment = {
    name: os.environ[name]
    for name in ("PATH", "CVLESSONS_ROOT", "CVLESSONS_PRESET", "CVLESSONS_XLA_DIR", "GOPATH", "GOCACHE",
                 "GOMODCACHE", "GOPROXY", "GOSUMDB", "JUPYTER_PATH", "GOMLX_BACKEND")
    if os.environ.get(name)
}

c.JupyterHub.bind_url = "http://%s:%s" % (env("CVLESSONS_HUB_IP"), env("CVLESSONS_HUB_PORT"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("CVLESSONS_HUB_API_PORT"))
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % env("CVLESSONS_HUB_PROXY_API_PORT")
c.ConfigurableHTTPProxy.command = [env("CVLESSONS_HUB_PROXY")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(HUB_DIR, "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(HUB_DIR, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(HUB_DIR, "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
