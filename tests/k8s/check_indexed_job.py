#!/usr/bin/env python3
"""The structure of deploy/k8s/ (issue 12), checked without a cluster: none is reachable here.

vigia-indexed-job.yaml is one batch/v1 Job in Indexed completion mode, with completions,
parallelism and backoffLimit set, whose one container runs `vigia run MANIFEST --task env -o DIR
--skip-complete --threads N` (the index comes from JOB_COMPLETION_INDEX); every volume is
mounted and every mount has a volume; the manifest is on a mounted volume and the output folder
on a writable one; the claims are those of vigia-volumes.yaml. vigia-merge-job.yaml runs
`vigia merge` on the same volumes. The Containerfile copies files that exist, builds with
scripts/install-deps.sh and installs the binary the Jobs run; with --binary, its runtime stage
installs the package of every shared library that binary needs.

  usage: check_indexed_job.py [--deploy deploy/k8s] [--binary build/bin/vigia]
Exit 0: every check passed; 1: failures (listed).
"""

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("check_indexed_job: needs PyYAML (Debian: python3-yaml, installed by "
          "scripts/install-deps.sh --test)", file=sys.stderr)
    sys.exit(1)

# Set by Kubernetes in an Indexed Job; vigia's --task env reads SLURM_ARRAY_TASK_ID first,
# then JOB_COMPLETION_INDEX, then PARALLEL_SEQ, so a pod must set none of them itself.
INDEX_VARIABLES = ("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "PARALLEL_SEQ")
# Libraries every Debian base image has.
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}


class Checks:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, condition, where, what):
        if condition:
            self.passed += 1
        else:
            self.failures.append(f"{where}: {what}")
        return bool(condition)


def load(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def get(node, *keys):
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return None
        node = node[k]
    return node


def option(argv, flag):
    """The value after flag in argv, or None."""
    if flag in argv:
        i = argv.index(flag)
        if i + 1 < len(argv):
            return argv[i + 1]
    return None


def under(path, mount):
    return os.path.normpath(path) == os.path.normpath(mount) or \
        os.path.normpath(path).startswith(os.path.normpath(mount).rstrip("/") + "/")


def check_pod(c, where, pod, claims):
    """Volumes and mounts of a pod spec; returns {mountPath: (volume, readOnly)}."""
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    mounts = {}
    used = set()
    for ctr in pod.get("containers") or []:
        for m in ctr.get("volumeMounts") or []:
            name = m.get("name")
            c.check(name in volumes, where,
                    f"container '{ctr.get('name')}' mounts '{name}', which is not a volume")
            used.add(name)
            mounts[m.get("mountPath")] = (name, bool(m.get("readOnly", False)))
        for e in ctr.get("env") or []:
            c.check(e.get("name") not in INDEX_VARIABLES, where,
                    f"container sets {e.get('name')}: --task env must see Kubernetes' index")
    for name, v in volumes.items():
        c.check(name in used, where, f"volume '{name}' is mounted by no container")
        claim = get(v, "persistentVolumeClaim", "claimName")
        if claim is not None:
            c.check(claim in claims, where,
                    f"volume '{name}' claims '{claim}', not a claim of vigia-volumes.yaml "
                    f"({', '.join(sorted(claims))})")
    return mounts, volumes


def mount_of(mounts, path):
    best = None
    for m in mounts:
        if under(path, m) and (best is None or len(m) > len(best)):
            best = m
    return best


def check_paths(c, where, mounts, manifest, out):
    m = mount_of(mounts, manifest)
    c.check(m is not None, where, f"the manifest {manifest} is on no mounted volume")
    m = mount_of(mounts, out)
    if c.check(m is not None, where, f"the output folder {out} is on no mounted volume"):
        c.check(not mounts[m][1], where, f"the output folder {out} is on a read-only mount {m}")


def check_indexed_job(c, path, claims):
    where = path.name
    docs = load(path)
    if not c.check(len(docs) == 1, where, f"{len(docs)} documents, expected one Job"):
        return None
    job = docs[0]
    c.check(job.get("apiVersion") == "batch/v1", where, f"apiVersion {job.get('apiVersion')}")
    c.check(job.get("kind") == "Job", where, f"kind {job.get('kind')}, expected Job")
    spec = job.get("spec") or {}
    c.check(spec.get("completionMode") == "Indexed", where,
            f"completionMode {spec.get('completionMode')}, expected Indexed")
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    c.check(isinstance(completions, int) and completions >= 1, where,
            f"completions {completions!r}: set it to the number of cities")
    if c.check(isinstance(parallelism, int) and parallelism >= 1, where,
               f"parallelism {parallelism!r}, expected a whole number >= 1"):
        c.check(not isinstance(completions, int) or parallelism <= completions, where,
                f"parallelism {parallelism} above completions {completions}")
    backoff = spec.get("backoffLimit")
    c.check(isinstance(backoff, int) and backoff >= 0, where, f"backoffLimit {backoff!r}")
    pod = get(spec, "template", "spec") or {}
    restart = pod.get("restartPolicy")
    c.check(restart in ("Never", "OnFailure"), where, f"restartPolicy {restart!r}")
    if "backoffLimitPerIndex" in spec or "podFailurePolicy" in spec:
        c.check(restart == "Never", where,
                "backoffLimitPerIndex and podFailurePolicy need restartPolicy Never")
    containers = pod.get("containers") or []
    if not c.check(len(containers) == 1, where, f"{len(containers)} containers, expected one"):
        return None
    ctr = containers[0]
    for rule in get(spec, "podFailurePolicy", "rules") or []:
        name = get(rule, "onExitCodes", "containerName")
        if name is not None:
            c.check(name == ctr.get("name"), where,
                    f"podFailurePolicy names container '{name}', not '{ctr.get('name')}'")
    argv = [str(a) for a in (ctr.get("command") or []) + (ctr.get("args") or [])]
    line = " ".join(argv)
    c.check(len(argv) >= 3 and os.path.basename(argv[0]) == "vigia" and argv[1] == "run", where,
            f"the container runs '{line}', expected 'vigia run MANIFEST ...'")
    c.check(option(argv, "--task") == "env", where, f"no '--task env' in '{line}'")
    c.check("--skip-complete" in argv, where, f"no '--skip-complete' in '{line}'")
    threads = option(argv, "--threads")
    if c.check(threads is not None and threads.isdigit() and int(threads) >= 1, where,
               f"no '--threads N' in '{line}'"):
        cpu = get(ctr, "resources", "requests", "cpu")
        c.check(cpu is None or str(cpu) == threads, where,
                f"requests cpu {cpu!r} but runs --threads {threads}")
    out = option(argv, "-o") or option(argv, "--output")
    manifest = argv[2] if len(argv) >= 3 else None
    c.check(manifest is not None and manifest.endswith(".toml"), where,
            f"the manifest '{manifest}' is not a .toml file")
    c.check(out is not None and out.startswith("/"), where, f"no absolute '-o DIR' in '{line}'")
    mounts, _ = check_pod(c, where, pod, claims)
    if manifest and out:
        check_paths(c, where, mounts, manifest, out)
    return ctr


def check_merge_job(c, path, claims, image, binary):
    where = path.name
    docs = load(path)
    if not c.check(len(docs) == 1 and docs[0].get("kind") == "Job", where, "expected one Job"):
        return
    spec = docs[0].get("spec") or {}
    c.check(spec.get("completionMode") in (None, "NonIndexed"), where, "the merge is one pod")
    pod = get(spec, "template", "spec") or {}
    ctr = (pod.get("containers") or [{}])[0]
    c.check(ctr.get("image") == image, where,
            f"image {ctr.get('image')}, not the cities' Job's {image}")
    text = " ".join(str(a) for a in (ctr.get("command") or []) + (ctr.get("args") or []))
    found = re.search(re.escape(binary) + r" merge (\S+) -o (\S+)", text)
    if c.check(found, where, f"no '{binary} merge PATH -o OUT' in '{text}'"):
        mounts, _ = check_pod(c, where, pod, claims)
        check_paths(c, where, mounts, "/alliance/alliance.toml", found.group(2))
        c.check(mount_of(mounts, found.group(1)) is not None, where,
                f"merge reads {found.group(1)}, on no mounted volume")


def containerfile_stages(path):
    """[(name, [instructions])]; an instruction is (keyword, text) with continuations joined."""
    stages, text = [], path.read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    for raw in text.splitlines():
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        keyword, _, rest = s.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            m = re.search(r"\bAS\s+(\S+)", rest, re.IGNORECASE)
            stages.append((m.group(1) if m else str(len(stages)), [(keyword, rest)]))
        elif stages:
            stages[-1][1].append((keyword, rest))
    return stages


def package_of(library):
    real = os.path.realpath(library)
    for candidate in (real, library, re.sub(r"^/usr", "", real)):
        r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].strip()
    return None


def check_containerfile(c, path, repo, binary_in_image, vigia):
    where = path.name
    stages = containerfile_stages(path)
    if not c.check(len(stages) >= 1, where, "no FROM"):
        return
    for _, instructions in stages:
        c.check("debian:12" in instructions[0][1], where,
                f"base image '{instructions[0][1]}', expected Debian 12")
    build = stages[0][1]
    for keyword, rest in (i for _, ins in stages for i in ins):
        if keyword == "COPY" and "--from" not in rest:
            for source in rest.split()[:-1]:
                c.check((repo / source).exists(), where, f"COPY {source}: not in the repository")
    runs = " ".join(rest for k, rest in build if k == "RUN")
    c.check("scripts/install-deps.sh" in runs, where,
            "the build stage does not install scripts/install-deps.sh's packages")
    c.check("CMAKE_BUILD_TYPE=Release" in runs, where, "the build is not Release")
    final = stages[-1][1]
    copies = " ".join(rest for k, rest in final if k == "COPY")
    c.check(binary_in_image in copies or binary_in_image in runs, where,
            f"the image has no {binary_in_image}, which the Job runs")
    if not vigia:
        return
    if not (shutil.which("readelf") and shutil.which("ldd") and shutil.which("dpkg")):
        print("check_indexed_job: readelf, ldd or dpkg missing: runtime libraries not checked")
        return
    apt = " ".join(rest for k, rest in final if k == "RUN")
    m = re.search(r"apt-get install (.*?)(&&|$)", apt)
    installed = set(w for w in (m.group(1).split() if m else []) if not w.startswith("-"))
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                        subprocess.run(["readelf", "-d", vigia], capture_output=True,
                                       text=True).stdout)
    resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(
        ["ldd", vigia], capture_output=True, text=True).stdout, re.MULTILINE))
    c.check(needed, where, f"readelf found no shared library in {vigia}")
    for lib in needed:
        pkg = package_of(resolved[lib]) if lib in resolved else None
        if c.check(pkg, where, f"{vigia} needs {lib}, which no Debian package provides here"):
            c.check(pkg in BASE_IMAGE_PACKAGES or pkg in installed, where,
                    f"{vigia} needs {lib} ({pkg}), not installed by the runtime stage")


def main():
    here = pathlib.Path(__file__).resolve()
    repo = here.parents[2]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deploy", type=pathlib.Path, default=repo / "deploy" / "k8s")
    ap.add_argument("--binary", help="a built vigia, to check the image's runtime libraries")
    a = ap.parse_args()
    c = Checks()
    claims = {d["metadata"]["name"] for d in load(a.deploy / "vigia-volumes.yaml")
              if d.get("kind") == "PersistentVolumeClaim"}
    c.check(claims, "vigia-volumes.yaml", "no PersistentVolumeClaim")
    ctr = check_indexed_job(c, a.deploy / "vigia-indexed-job.yaml", claims)
    if ctr:
        binary = str((ctr.get("command") or [""])[0])
        check_merge_job(c, a.deploy / "vigia-merge-job.yaml", claims, ctr.get("image"), binary)
        check_containerfile(c, a.deploy / "Containerfile", a.deploy.resolve().parents[1],
                            binary, a.binary)
    for f in c.failures:
        print(f"check_indexed_job: {f}", file=sys.stderr)
    print(f"check_indexed_job: {c.passed} checks passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
