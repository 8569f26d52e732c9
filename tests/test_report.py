"""The generated report, README's table, the metrics schema and the benchmark."""

import json
import platform
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from lib import provenance as report
from lib import summary, training
from tools import bench, results

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tools" / "metrics.schema.json").read_text())
COMMITTED = sorted((ROOT / "outputs").glob("**/metrics.json"))


def _metrics(name, acc, seed=0, params=7602):
    h = {
        k: [0.5, acc]
        for k in (
            "accuracy",
            "loss",
            "val_accuracy",
            "val_loss",
            "test_accuracy",
            "test_loss",
            "learning_rate",
        )
    }
    return {
        "notebook": name,
        "dataset": "mnist",
        "params": params,
        "trainable_params": params - 100,
        "epochs": 2,
        "test_accuracy": acc,
        "test_loss": 0.1,
        "saved_epoch": 2,
        "selection": "last epoch",
        "best_val_accuracy": acc,
        "val_accuracy_of_saved": acc,
        "history": h,
        "seconds_per_epoch": 1.0,
        "epoch_seconds": [1.0, 1.0],
        "wall_seconds": 3.0,
        "resumed_from_epoch": 0,
        "seed": seed,
        "model_file": "model.keras",
        "config": {
            "epochs": 2,
            "batch_size": 128,
            "lr": 0.1,
            "schedule": "onecycle",
            "checkpoint": True,
        },
        "data": {"source": "x", "verified": False, "train": 1, "validation": 1, "test": 1},
        "article": {"params": 7602, "reported": "99.44 % (val)"},
        "versions": {"python": "3", "keras": "3", "numpy": "2", "backend": "tensorflow"},
        "git": {"commit": None, "dirty": None},
    }


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: str(p.relative_to(ROOT / "outputs")))
def test_committed_metrics_follow_the_schema(path):
    jsonschema.validate(json.loads(path.read_text()), SCHEMA)


def test_schema_rejects_a_missing_field():
    m = _metrics("05_under_8k", 0.99)
    jsonschema.validate(m, SCHEMA)
    del m["test_accuracy"]
    with pytest.raises(jsonschema.ValidationError, match="'test_accuracy' is a required property"):
        jsonschema.validate(m, SCHEMA)


def test_generated_blocks_match_outputs():
    if not list((ROOT / "outputs").glob("[0-9]*/metrics.json")):
        pytest.skip("no committed outputs yet")
    assert results.main(["--check"]) == 0, "a generated block (README.md, docs/) is stale: run `make report`"


def test_readme_is_a_guide_that_links_executed_notebooks_and_colab():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    for name in (p.stem for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))):
        assert f"(outputs/{name}/{name}.ipynb)" in readme  # the executed copy, curves and all
        repo = results.REPO_URL.removeprefix("https://github.com/")
        assert f"colab.research.google.com/github/{repo}/blob/main/notebooks/{name}.ipynb" in readme


def test_seed_summary_and_report_from_metrics(tmp_path):
    runs = [_metrics("05_under_8k", a, seed=s) for s, a in enumerate([0.994, 0.996, 0.993])]
    s = results.summarize_seeds(runs)
    assert s["seeds"] == [0, 1, 2] and s["test_accuracy"] == [0.994, 0.996, 0.993]
    assert s["mean"] == pytest.approx(0.99433, abs=1e-5) and s["min"] == 0.993 and s["max"] == 0.996
    assert s["std"] == pytest.approx(0.0015275, abs=1e-6)  # sample std (n-1)
    assert s["share_at_target"] == pytest.approx(2 / 3)
    (tmp_path / "05_under_8k").mkdir()
    (tmp_path / "05_under_8k" / "metrics.json").write_text(json.dumps(runs[0]))
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "summary.json").write_text(json.dumps([s]))
    table = results.write_report(tmp_path)
    assert "| 05_under_8k | 7,602 | 2 | 99.40% | 99.43% ± 0.15% (n=3, min 99.30%) | 99.40% |" in table
    assert (tmp_path / "report" / "params_vs_accuracy.png").exists()
    assert (tmp_path / "report" / "test_accuracy.png").exists()
    assert "| 05_under_8k | 7,602 | 2 | 3 | 99.43% |" in (tmp_path / "REPORT.md").read_text()
    readme = f"# x\n{results.BEGIN}\nold\n{results.END}\nrest\n"
    assert results.replace_block(readme, table) == f"# x\n{results.BEGIN}\n{table}\n{results.END}\nrest\n"


def test_tables_give_the_single_view_beside_a_prediction_over_turned_views():
    runs = [_metrics("05_under_8k", a, seed=i) for i, a in enumerate([0.995, 0.994])]
    for m, single in zip(runs, [0.993, 0.992], strict=True):
        m["tta"] = {
            "views": ["image", "turned +5°", "turned -5°"],
            "val_accuracy": 0.99,
            "val_loss": 0.02,
            "single_view_test_accuracy": single,
            "single_view_test_loss": 0.03,
        }
        jsonschema.validate(m, SCHEMA)
    s = results.summarize_seeds(runs)
    assert s["test_accuracy"] == [0.995, 0.994] and s["single_view_test_accuracy"] == [0.993, 0.992]
    table = results.results_table(runs[:1], {"05_under_8k": s})
    assert "| 05_under_8k ¹ | 7,602 | 2 | 99.50% |" in table
    assert "05_under_8k averages image, turned +5°, turned -5°; 99.30% on the image alone" in table
    assert "05_under_8k 99.25% (mean)" in results.seeds_table({"05_under_8k": s})
    assert "alone" in summary.summary_markdown(runs[0])
    assert "¹" not in results.results_table([_metrics("04_dropout_schedule", 0.9)], {})
    goals = {"05_under_8k": dict(epochs=20, seeds=2, every_seed=True, mean=0.9945)}
    table = results.targets_table(runs[:1], {"05_under_8k": s}, goals)
    assert "2 of 2, worst 99.400%; image alone: 0 of 2 | yes |" in table
    assert "99.450% (standard error 0.050%); image alone: 99.250% | yes |" in table


def test_results_table_names_the_commits_when_runs_come_from_several():
    a, b = _metrics("04_dropout_schedule", 0.995), _metrics("05_under_8k", 0.994)
    a["git"] = b["git"] = {"commit": "a" * 40, "dirty": False}
    assert "commit" not in results.results_table([a, b], {})
    b["git"] = {"commit": "b" * 40, "dirty": False}
    note = results.results_table([a, b], {}).split("\n\n")[1]
    assert "04_dropout_schedule at aaaaaaa; 05_under_8k at bbbbbbb" in note and "s/epoch" in note
    b["notebook"] = a["notebook"]
    assert results.summarize_seeds([a, b])["commits"] == ["aaaaaaa", "bbbbbbb"]


def test_seed_summary_follows_the_seed_runs_there(tmp_path):
    for seed, acc in enumerate([0.994, 0.996]):
        (tmp_path / "05_under_8k" / f"seed-{seed}").mkdir(parents=True)
        (tmp_path / "05_under_8k" / f"seed-{seed}" / "metrics.json").write_text(
            json.dumps(_metrics("05_under_8k", acc, seed=seed))
        )
    (tmp_path / "summary.json").write_text("[]")  # stale: written before the runs
    results.write_seed_summary(tmp_path)
    (s,) = json.loads((tmp_path / "summary.json").read_text())
    assert s["seeds"] == [0, 1] and s["mean"] == pytest.approx(0.995) and s["commits"] == ["unknown"]


def test_targets_table_says_which_goal_is_met_without_rounding_a_miss_into_a_hit():
    goals = {
        "05_under_8k": results.GOALS["05_under_8k"],
        "08_fashion_mnist": results.GOALS["08_fashion_mnist"],
    }
    runs = [
        _metrics("05_under_8k", a, seed=s) for s, a in enumerate([0.9939, 0.9952, 0.9941, 0.9943, 0.9949])
    ]
    fashion = _metrics("08_fashion_mnist", 0.925, params=14_474)
    table = results.targets_table([runs[0], fashion], {"05_under_8k": results.summarize_seeds(runs)}, goals)
    rows = {tuple(c.strip() for c in line.split("|")[2:5]) for line in table.splitlines()[2:]}
    assert ("every seed ≥ 99.400%", "4 of 5, worst 99.390%", "**no**") in rows
    assert ("mean of 5 seeds ≥ 99.450%", "99.448% (standard error 0.025%)", "**no**") in rows
    assert ("< 8,000 parameters, ≤ 20 epochs", "7,602 parameters, 2 epochs", "yes") in rows
    assert ("test accuracy ≥ 92.500%", "92.500%", "yes") in rows  # met exactly: no rounding miss
    runs = [_metrics("05_under_8k", 0.9945, seed=s, params=8_000) for s in range(5)]
    table = results.targets_table([runs[0]], {"05_under_8k": results.summarize_seeds(runs)}, goals)
    assert "| 05_under_8k | < 8,000 parameters, ≤ 20 epochs | 8,000 parameters, 2 epochs | **no** |" in table
    assert "| 05_under_8k | mean of 5 seeds ≥ 99.450% | 99.450% (standard error 0.000%) | yes |" in table
    assert "| 08_fashion_mnist | all of its goals | no run in outputs/ | **no** |" in table
    few = results.targets_table([runs[0]], {"05_under_8k": results.summarize_seeds(runs[:3])}, goals)
    assert "| 05_under_8k | 5 seeds (`make seeds`) | 3 | **no** |" in few
    # 08: one run meets its goal, the mean over seeds need not
    accs = [0.9252, 0.9233, 0.9219, 0.9240, 0.9250]
    f = [_metrics("08_fashion_mnist", a, seed=s, params=14_474) for s, a in enumerate(accs)]
    table = results.targets_table([f[0]], {"08_fashion_mnist": results.summarize_seeds(f)}, goals)
    assert "| 08_fashion_mnist | test accuracy ≥ 92.500% | 92.520% | yes |" in table
    assert "| 08_fashion_mnist | mean of 5 seeds ≥ 92.500% | 92.388% (standard error" in table
    assert table.endswith("| **no** |")
    f[0]["tta"] = {"single_view_test_accuracy": 0.9201}
    table = results.targets_table([f[0]], {"08_fashion_mnist": results.summarize_seeds(f)}, goals)
    assert "| 08_fashion_mnist | test accuracy ≥ 92.500% | 92.520%; image alone: 92.010% | yes |" in table


def test_every_seed_odds_reads_a_normal_fit_to_the_seeds():
    chance, needed = results.every_seed_odds([0.994, 0.995, 0.996], 0.994, 5)  # mean 0.995, sd 0.001
    assert chance == pytest.approx(0.841345**5, rel=1e-4)  # one seed at or above: Phi(1)
    assert needed == pytest.approx(0.994 + 0.0020365, abs=2e-7)  # Phi(z)^5 = 0.9: z = 2.0365
    assert results.every_seed_odds([0.995] * 5, 0.994, 5) == pytest.approx((1.0, 0.994))  # no spread
    assert results.every_seed_odds([0.993] * 5, 0.994, 5)[0] == 0.0
    runs = [
        _metrics("05_under_8k", a, seed=s) for s, a in enumerate([0.9939, 0.9952, 0.9941, 0.9943, 0.9949])
    ]
    note = results.odds_note({"05_under_8k": results.summarize_seeds(runs)})
    assert "05_under_8k: 35% that 5 fresh seeds all reach 99.40% (90% would need a mean of 99.512%" in note
    assert "04_dropout_schedule" not in note  # no seeds, no reading; too few seeds neither
    assert results.odds_note({"05_under_8k": results.summarize_seeds(runs[:2])}) == ""


def test_time_to_target_reads_the_first_epoch_at_target():
    m = _metrics("05", 0.995)
    m["epoch_seconds"], m["history"]["test_accuracy"] = [2.0, 3.0, 4.0], [0.99, 0.994, 0.996]
    assert bench.time_to_target(m) == 5.0
    m["history"]["test_accuracy"] = [0.9, 0.9, 0.9]
    assert bench.time_to_target(m) is None


def test_bench_refresh_quotes_the_last_run_all_and_keeps_the_measurements(tmp_path):
    m = _metrics("05_under_8k", 0.995)
    m["epoch_seconds"], m["history"]["test_accuracy"] = [2.0, 3.0], [0.99, 0.995]
    m["versions"].update(processor="Xeon", cpu="family 6")
    (tmp_path / "05_under_8k").mkdir()
    (tmp_path / "05_under_8k" / "metrics.json").write_text(json.dumps(m))
    run_all = {
        "notebook_seconds": {"05_under_8k": 9.0},
        "total_seconds": 9.0,
        "processor": ["Xeon", "family 6"],
    }
    (tmp_path / "run_all.json").write_text(json.dumps(run_all))
    folder = tmp_path / "bench"
    assert not bench.refresh(folder, tmp_path)  # nothing measured there: nothing written
    row = dict(
        name="05_under_8k",
        params=7602,
        flops_per_image=1e6,
        train_images_per_second=100.0,
        eval_images_per_second=300.0,
        seconds_per_epoch=600.0,
        train_gflops_per_second=0.3,
        peak_rss_mib=500.0,
    )
    old = dict(
        models=[row],
        machine={"peak_fp32_gflops": 10.0, "processor": "cpu", "peak_derivation": "x"},
        versions={},
        threads={},
        run_all={"total_seconds": 1.0},
        run_all_seconds=1.0,
        time_to_target={"05_under_8k": None},
    )
    folder.mkdir()
    (folder / "bench.json").write_text(json.dumps(old))
    assert bench.refresh(folder, tmp_path)
    new = json.loads((folder / "bench.json").read_text())
    assert new["models"] == [row] and new["run_all_seconds"] == 9.0
    assert new["run_all"] == run_all
    assert new["time_to_target"] == {"05_under_8k": 5.0}
    text = (folder / "bench.md").read_text()
    assert (
        "Last `make run-all`: 9.0 s in all, on Xeon (family 6): **not the machine of the rows above**" in text
    )
    old["machine"].update(processor="Xeon", cpu="family 6")  # measured where run-all ran: no flag
    (folder / "bench.json").write_text(json.dumps(old))
    assert bench.refresh(folder, tmp_path) and "above" not in (folder / "bench.md").read_text()
    # a record that names no processor may come from another machine
    (tmp_path / "run_all.json").write_text(json.dumps({**run_all, "processor": None}))
    assert bench.refresh(folder, tmp_path) and new_run_all(folder)["processor"] is None
    assert (
        "a processor its record does not name: **perhaps not the machine" in (folder / "bench.md").read_text()
    )


def new_run_all(folder: Path) -> dict:
    return json.loads((folder / "bench.json").read_text())["run_all"]


@pytest.mark.parametrize("folder", ["bench", "bench/one-thread"])
def test_committed_bench_quotes_the_committed_run_all(folder):
    path = ROOT / "outputs" / folder / "bench.json"
    if not path.exists():
        pytest.skip("no committed benchmark yet")
    expected = bench.from_outputs()
    quoted = {k: v for k, v in json.loads(path.read_text()).items() if k in expected}
    assert quoted == expected, f"{path} quotes an older run-all: run `make report`"


def test_speed_goals_say_what_was_measured_and_whether_it_is_met():
    report = {
        "models": [
            {"name": "05_under_8k", "train_images_per_second": 5000.0, "seconds_per_epoch": 12.0},
            {"name": bench.REFERENCE, "train_images_per_second": 4000.0, "seconds_per_epoch": 15.0},
        ],
        "machine": {"processor": "Xeon", "cpu": "family 6"},
        "run_all": {"total_seconds": 1800.0},
    }
    # a run-all whose record names no processor may have run on another machine
    assert bench.speed_goals(report).endswith("**perhaps not the machine of the rows above**, met")
    report["run_all"]["processor"] = ["Xeon", "family 6"]  # the machine the rows were measured on
    assert bench.speed_goals(report) == (
        "05 trains at least as many img/s as the reference: 1.25x, met; "
        "05 at ≤ 6 s per epoch: 12.0 s, **not met**; `make run-all` in ≤ 30 minutes: 30.0 min, "
        "on Xeon (family 6), met"
    )
    report["run_all"] |= {"notebook_seconds": {"01": 900.0, "02": 600.0, "03": 400.0}, "jobs": 2}
    assert bench.speed_goals(report).endswith(
        "`make run-all` in ≤ 30 minutes: 30.0 min "
        "(the best split of its notebooks over 2 lanes: 16.7 min), on Xeon (family 6), met"
    )
    report["models"], report["run_all"] = report["models"][1:], {}
    assert bench.speed_goals(report) == ""


def test_flops_of_the_reference_model():
    # conv 3x3 1->32 on 26x26, conv 3x3 32->64 on 11x11, dense 1600->10: the keras-io figures
    expected = 2 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 9 * 32 + 1600 * 10)
    model = bench.reference_model()
    assert model.count_params() == 34_826 and bench.flops_per_image(model) == expected


def test_bench_runs_on_a_tiny_setting(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.bench",
            "--images",
            "256",
            "--eval-images",
            "200",
            "--models",
            f"05_under_8k,{bench.EVERY_STEP},keras-io-mnist-convnet",
            "--rounds",
            "2",
            "--output",
            str(tmp_path),
            "--outputs-root",
            str(tmp_path / "runs"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    report = json.loads((tmp_path / "bench.json").read_text())
    assert report["run_all"] is None and report["time_to_target"] == {}  # nothing ran in runs/
    names = [m["name"] for m in report["models"]]
    assert names == ["05_under_8k", bench.EVERY_STEP, "keras-io-mnist-convnet"]
    for m in report["models"]:
        assert m["train_images_per_second"] > 0 and m["peak_rss_mib"] > 0 and m["flops_per_image"] > 0
    assert report["models"][0]["params"] == report["models"][1]["params"] == 7602
    # 05 deskews once per run, ahead of its epochs; its own row without that, and the reference, every step
    assert [("input_stage_seconds_per_60k" in m) for m in report["models"]] == [True, False, False]
    assert report["models"][0]["input_stage_seconds_per_60k"] > 0
    assert report["machine"]["peak_fp32_gflops"] and "FLOP/cycle" in report["machine"]["peak_derivation"]
    assert "| keras-io-mnist-convnet | 34,826 |" in (tmp_path / "bench.md").read_text()
    # two interleaved rounds, three timed passes each, and 05's ratio to the reference per round
    assert report["rounds"] == 2
    for m in report["models"]:
        assert len(m["train_images_per_second_by_round"]) == 2 and len(m["train_seconds_repeats"]) == 6
    ratio = report["ratio_to_reference_by_round"]["05_under_8k"]
    assert len(ratio) == 2 and all(r > 0 for r in ratio)


def test_bench_times_05_at_one_step_per_call_as_a_separate_row():
    model, _ = bench.bench_model(bench.ONE_STEP)
    assert model.steps_per_execution == 1 and model.count_params() == 7602
    assert bench.bench_model("05_under_8k")[0].steps_per_execution == training.steps_per_execution()


def test_bench_peak_counts_the_fma_width_the_processor_has():
    def cpuinfo(vendor, family, flags):
        return f"vendor_id : {vendor}\ncpu family : {family}\ncpu MHz : 2000.000\nflags : fpu {flags}\n"

    def per_core_cycle(info):
        m = bench.machine(info)
        return m["peak_fp32_gflops"] / (m["cores"] * 2.0)

    assert per_core_cycle(cpuinfo("GenuineIntel", 6, "fma avx2 avx512f")) == 64  # two 512-bit FMA units
    assert per_core_cycle(cpuinfo("AuthenticAMD", 25, "fma avx2 avx512f")) == 32  # Zen 4: 256-bit units
    assert per_core_cycle(cpuinfo("AuthenticAMD", 26, "fma avx2 avx512f")) == 64  # Zen 5
    assert per_core_cycle(cpuinfo("GenuineIntel", 6, "fma avx2")) == 32
    assert "256-bit FMA units" in bench.machine(cpuinfo("AuthenticAMD", 25, "avx512f"))["peak_derivation"]
    # the clock as /proc/cpuinfo gives it, 2599.998 MHz, reads 2.60 GHz, not 2.5999980000000003
    info = cpuinfo("GenuineIntel", 6, "avx512f").replace("2000.000", "2599.998")
    assert " 2.60 GHz " in bench.machine(info)["peak_derivation"]


def test_cpu_signature_tells_apart_processors_with_one_model_name():
    zen4 = "model name : AMD EPYC\ncpu family : 25\nmodel : 17\nstepping : 1\nflags : fpu avx2 avx512f\n"
    zen2 = "model name : AMD EPYC\ncpu family : 23\nmodel : 49\nstepping : 0\nflags : fpu avx avx2\n"
    assert report.processor(zen4) == report.processor(zen2) == "AMD EPYC"
    assert report.cpu_signature(zen4) == "family 25, model 17, stepping 1; widest vectors: AVX-512"
    assert report.cpu_signature(zen2) == "family 23, model 49, stepping 0; widest vectors: AVX2"
    assert bench.machine(zen4)["cpu"] == report.cpu_signature(zen4)
    assert report.cpu_signature("") == platform.machine()  # no /proc/cpuinfo: not Linux


def test_bench_combines_rounds_by_the_median_of_every_pass():
    run = dict(flops_per_image=1000, peak_rss_mib=5.0)
    a = dict(run, train_seconds_repeats=[1.0, 1.0, 4.0], train_images_per_second=100.0)
    a.update(bench.eval_speed(10, [1.0, 3.0, 1.0]))
    b = dict(run, train_seconds_repeats=[2.0, 2.0, 2.0], train_images_per_second=50.0, peak_rss_mib=7.0)
    b.update(bench.eval_speed(10, [3.0, 3.0, 0.5]))
    assert a["eval_images_per_second"] == 10.0 and b["eval_images_per_second"] == 3.3
    row = bench.combine([a, b], images=100)
    assert row["train_seconds_repeats"] == [1.0, 1.0, 4.0, 2.0, 2.0, 2.0]
    assert row["train_images_per_second"] == 50.0  # median pass: 2 s for 100 images
    assert row["eval_seconds_repeats"] == [1.0, 3.0, 1.0, 3.0, 3.0, 0.5]
    assert row["eval_images_per_second"] == 5.0  # median pass: 2 s (1.0 and 3.0) for 10 images
    assert row["seconds_per_epoch"] == 1200.0 and row["peak_rss_mib"] == 7.0
    assert row["train_images_per_second_by_round"] == [100.0, 50.0]
    rows = [
        dict(name="05_under_8k", train_images_per_second_by_round=[100.0, 50.0]),
        dict(name=bench.REFERENCE, train_images_per_second_by_round=[200.0, 25.0]),
    ]
    assert bench.ratio_by_round(rows, "05_under_8k") == [0.5, 2.0]
    assert bench.ratio_by_round(rows, "06_under_5k") is None


def test_bench_refuses_zero_rounds(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])
    assert "--rounds 0: must be at least 1" in capsys.readouterr().err


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout of this repository")
def test_provenance_is_recorded_in_a_fresh_clone(tmp_path):
    # A fresh checkout makes git read every notebook through the nbstripout filter once; a
    # timeout that cut this short would leave "dirty": null in every run's metrics.json.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    subprocess.run(
        ["git", "-C", str(clone), "config", "filter.nbstripout.clean", f"{sys.executable} -m nbstripout"],
        check=True,
    )
    head = subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert report.git_commit(clone) == {"commit": head.stdout.strip(), "dirty": False, "changed": []}
    # an edit, a new file in a new folder, a rename: each path named as the work tree has it
    (clone / "lib" / "tta.py").write_text("# edited\n")
    (clone / "lib" / "extra").mkdir()
    (clone / "lib" / "extra" / "new.py").write_text("")
    subprocess.run(["git", "-C", str(clone), "mv", "lib/summary.py", "lib/summary2.py"], check=True)
    got = report.git_commit(clone)
    assert got["dirty"] is True
    assert got["changed"] == ["lib/extra/new.py", "lib/summary2.py", "lib/tta.py"]
    assert report.run_dirty(got, ["lib/blocks.py"], "05_under_8k") is False
    assert report.run_dirty(got, ["lib/tta.py", "lib/blocks.py"], "05_under_8k") is True


def test_runs_recorded_before_the_changed_paths_keep_their_dirty_flag():
    assert report.run_dirty({"commit": "c", "dirty": True}, ["lib/blocks.py"], "05_under_8k") is True
    assert report.run_dirty({"commit": "c", "dirty": False}, [], "05_under_8k") is False
    assert report.run_dirty({"commit": None, "dirty": None, "changed": None}, [], "05_under_8k") is None


def test_op_profile_names_the_layer_and_pass_of_an_op():
    from tools import op_profile

    layers = {"block1_2", "block1_2_bn", "head_dense"}
    grad = "StatefulPartitionedCall/gradient_tape/under_8k_1/block1_2_bn_1/FusedBatchNormGradV3"
    assert op_profile.layer_of(grad, layers) == ("block1_2_bn", True)
    assert op_profile.layer_of("StatefulPartitionedCall/under_8k_1/block1_2_1/convolution", layers) == (
        "block1_2",
        False,
    )
    assert op_profile.layer_of("m/block1_2/convolution", layers) == ("block1_2", False)  # no suffix
    optimizer_op = "StatefulPartitionedCall/SGD/AssignVariableOp"
    assert op_profile.layer_of(optimizer_op, layers) == (op_profile.OTHER, False)
    events = [
        ("m/block1_2_1/c", "Conv2D", 6.0),
        ("gradient_tape/m/block1_2_1/c", "Conv2DBackpropInput", 12.0),
        ("SGD/x", "Mul", 2.0),
    ]
    s = op_profile.summarize(events, 15.0, ["block1_2", "head_dense"], steps=2, wall_s=0.02)
    assert s["wall_ms_per_step"] == 10.0 and s["op_ms_per_step"] == 10.0
    assert s["ops_running_ms_per_step"] == 7.5  # ops overlap: less than their sum
    assert s["layers"][0] == dict(layer="block1_2", forward_ms=3.0, backward_ms=6.0, share=0.9)
    # in model order; layers without ops left out
    assert [r["layer"] for r in s["layers"]] == ["block1_2", op_profile.OTHER]
    assert s["op_types"][0] == dict(op="Conv2DBackpropInput", ms=6.0, share=0.6)
    assert s["layer_ops"][0]["layer"] == "block1_2 (backward)"


def test_op_profile_runs_on_a_few_steps(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "tools.op_profile", "--steps", "3", "--output", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    report = json.loads((tmp_path / "profile-05_under_8k.json").read_text())
    assert report["steps"] == 3 and report["op_ms_per_step"] > 0
    layers = {r["layer"]: r for r in report["layers"]}
    assert layers["block1_2"]["forward_ms"] > 0 and layers["block1_2"]["backward_ms"] > 0
    assert abs(sum(r["share"] for r in report["layers"]) - 1) < 0.01
    assert "Conv2DBackpropFilter" in {r["op"] for r in report["op_types"]}
    assert "| block1_2 |" in (tmp_path / "profile-05_under_8k.md").read_text()
    bench_dir = tmp_path / "outputs" / "bench"
    bench_dir.mkdir(parents=True)
    (bench_dir / "profile-05_under_8k.json").write_text(json.dumps(report))
    block = results.bench_block(tmp_path / "outputs")
    assert "Where 05's training step goes" in block and "| block1_2 (backward) |" in block


DOCS = [
    "README.md",
    "outputs/REPORT.md",
    *(p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "docs").glob("*.md"))),
]


@pytest.mark.parametrize("doc", DOCS)
def test_local_links_and_figures_exist(doc):
    # a reader follows these links on GitHub; a renamed figure or notebook would leave a dead one
    path = ROOT / doc
    targets = re.findall(r"\]\(([^)\s#]+)\)", path.read_text())
    local = [t for t in targets if "://" not in t]
    if doc in ("README.md", "outputs/REPORT.md"):
        assert local, f"{doc} links to nothing local: the pattern no longer matches its links"
    missing = [t for t in local if not (path.parent / t).exists()]
    assert not missing, f"{doc} links to files that do not exist: {missing}"


def test_readme_table_links_the_executed_copy_and_colab_and_states_its_evidence(tmp_path):
    runs = [_metrics("05_under_8k", a, seed=s) for s, a in enumerate([0.994, 0.996, 0.993])]
    table = results.readme_table(
        [runs[0], _metrics("04_dropout_schedule", 0.995)], {"05_under_8k": results.summarize_seeds(runs)}
    )
    row05, row04 = table.splitlines()[2:4]
    assert "| 99.50% (seed 0) |" in row04
    assert "| 7,602 | 99.43% ± 0.15% |" in row05
    assert "[05_under_8k](outputs/05_under_8k/05_under_8k.ipynb)" in row05
    assert results.colab_badge("05_under_8k") in row05
    assert (
        "colab.research.google.com/github/small-cnn-lab/small-cnn/blob/main/notebooks/05_under_8k.ipynb"
        in (results.colab_badge("05_under_8k"))
    )
    assert "mean ± sample standard deviation over 3 seeds" in table
    (tmp_path / "run_all.json").write_text(
        json.dumps(
            {
                "notebook_seconds": {"05_under_8k": 300.0},
                "total_seconds": 1900.0,
                "jobs": 2,
                "processor": ["AMD EPYC", "family 25"],
            }
        )
    )
    times = results.times_table(tmp_path)
    assert "| `make run NB=05` | one notebook at full size, into `outputs/05_under_8k/` | 5 min |" in times
    assert "| `make run-all` | every notebook, 2 at a time | 32 min |" in times
    assert "| `make seeds` | 04-08 over 5 seeds, `outputs/seeds/summary.json` | – |" in times
