"""lib/gpu_run.py's parts that need no GPU: the environment it gives its steps, what it sends back."""

import tarfile

from lib import gpu_run


def test_environment_selects_jax_and_the_carried_data(tmp_path, monkeypatch):
    monkeypatch.setenv("XLA_FLAGS", "--xla_dump_to=/tmp/x")
    (tmp_path / "data" / "fashion-mnist").mkdir(parents=True)
    (tmp_path / "data" / "mnist.npz").write_bytes(b"")
    env = gpu_run.environment(tmp_path, tmp_path / "site")
    assert env["KERAS_BACKEND"] == "jax" and env["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false"
    assert env["XLA_FLAGS"] == "--xla_dump_to=/tmp/x --xla_gpu_deterministic_ops=true"  # added, not replaced
    assert env["MNIST_PATH"] == str(tmp_path / "data" / "mnist.npz")
    assert env["FASHION_MNIST_PATH"] == str(tmp_path / "data" / "fashion-mnist")
    assert env["PYTHONPATH"].split(":")[:2] == [str(tmp_path / "site"), str(gpu_run.ROOT)]


def test_archive_keeps_results_not_models(tmp_path):
    run = tmp_path / "outputs" / "05_under_8k"
    (run / "state").mkdir(parents=True)
    for name in ("metrics.json", "curves.png", "05_under_8k.ipynb", "model.keras", "state/epoch-1.keras"):
        (run / name).write_bytes(b"x")
    gpu_run.archive(tmp_path / "outputs", tmp_path / "out.tgz")
    with tarfile.open(tmp_path / "out.tgz") as tar:
        names = sorted(tar.getnames())
    assert names == ["05_under_8k/05_under_8k.ipynb", "05_under_8k/curves.png", "05_under_8k/metrics.json"]
