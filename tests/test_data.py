import gzip
import lzma
import shutil

import numpy as np
import pytest
import synthetic

from lib.data import DataError, load_dataset, read_path, split_validation


def test_real_mnist_is_verified_against_the_checksums(real_mnist):
    ds = read_path(real_mnist)
    assert ds.verified
    assert ds.x_train.shape == (60000, 28, 28) and ds.x_test.shape == (10000, 28, 28)
    assert np.bincount(ds.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert ds.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert ds.x_train.mean() / 255 == pytest.approx(0.1307, abs=1e-4)


def test_altered_full_size_copy_fails_the_checksum(real_mnist, tmp_path):
    with np.load(real_mnist) as f:
        arrays = {k: f[k] for k in f.files}
    arrays["x_test"][0, 14, 14] ^= 1
    bad = synthetic.write_npz(tmp_path / "mnist.npz", arrays)
    with pytest.raises(DataError, match=r"checksum mismatch for \['x_test'\]"):
        read_path(bad)


def test_synthetic_npz_and_idx_load_the_same(arrays, synthetic_npz, tmp_path):
    from_npz = read_path(synthetic_npz)
    assert not from_npz.verified  # not full-size MNIST: nothing to checksum against
    for compression in ("gz", "xz", None):
        from_idx = read_path(synthetic.write_idx(tmp_path / f"idx-{compression}", arrays, compression))
        for k in ("x_train", "y_train", "x_test", "y_test"):
            np.testing.assert_array_equal(getattr(from_idx, k), getattr(from_npz, k))
    assert from_npz.y_train.dtype == np.int64


def test_search_order_uses_the_environment_variable(synthetic_npz, monkeypatch):
    monkeypatch.setenv("MNIST_PATH", str(synthetic_npz))
    assert load_dataset().source == str(synthetic_npz)


def test_nothing_found_lists_what_was_tried(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(DataError) as e:
        load_dataset(download=False)
    assert str(tmp_path / "datasets" / "mnist.npz") in str(e.value)
    assert "DATA_PATH" in str(e.value) and "MNIST_PATH" in str(e.value)


def test_an_empty_cache_folder_does_not_hide_the_next_place(arrays, monkeypatch, tmp_path):
    # an offline Keras download leaves ~/.keras/datasets/fashion-mnist/ empty; the Debian copy
    # after it in the search order must still be found, and the folder left as it was
    import lib.data

    system = synthetic.write_idx(tmp_path / "debian", arrays)
    monkeypatch.setitem(
        lib.data.DATASETS, "fashion_mnist", ("FASHION_MNIST_PATH", "fashion-mnist", (str(system),))
    )
    monkeypatch.delenv("FASHION_MNIST_PATH", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    leftover = tmp_path / "keras" / "datasets" / "fashion-mnist"
    leftover.mkdir(parents=True)
    assert load_dataset("fashion_mnist", download=False).source == str(system)
    assert leftover.is_dir()
    shutil.rmtree(system)
    with pytest.raises(DataError) as e:
        load_dataset("fashion_mnist", download=False)
    assert f"{leftover} (an empty folder" in str(e.value) and "dataset-fashion-mnist" in str(e.value)
    (leftover / "train-images-idx3-ubyte.gz").write_bytes(b"")  # a partial copy is an error
    with pytest.raises(DataError, match="lacks the IDX files"):
        load_dataset("fashion_mnist", download=False)


def _save(path, arrays, **changes):
    return synthetic.write_npz(path, {**arrays, **changes})


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: {"x_train": a["x_train"][:, :, :27]}, r"x_train has shape \(1200, 28, 27\)"),
        (lambda a: {"x_test": a["x_test"].astype(np.float32)}, r"x_test has dtype float32, expected uint8"),
        (lambda a: {"y_train": a["y_train"][:-1]}, r"y_train has shape \(1199,\), expected \(1200,\)"),
        (lambda a: {"y_test": a["y_test"] + 5}, r"y_test holds labels 5..14, expected 0..9"),
        (lambda a: {"y_test": a["y_test"].astype(np.float64)}, r"expected integer labels"),
    ],
)
def test_bad_arrays_are_rejected(arrays, tmp_path, change, message):
    with pytest.raises(DataError, match=message):
        read_path(_save(tmp_path / "bad.npz", arrays, **change(arrays)))


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"no such file; pass DATA_PATH"):
        load_dataset(path=tmp_path / "nope.npz")


def test_truncated_npz(synthetic_npz, tmp_path):
    bad = tmp_path / "cut.npz"
    bad.write_bytes(synthetic_npz.read_bytes()[:5000])
    with pytest.raises(DataError, match="truncated or corrupt"):
        read_path(bad)


def test_file_that_is_not_an_npz(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"<html>404</html>")
    with pytest.raises(DataError, match=r"not an .npz file \(an .npz is a zip archive"):
        read_path(junk)


def test_npz_missing_an_array(arrays, tmp_path):
    p = tmp_path / "three.npz"
    np.savez(p, **{k: v for k, v in arrays.items() if k != "y_test"})
    with pytest.raises(DataError, match=r"missing arrays \['y_test'\]"):
        read_path(p)


def test_pickled_arrays_are_refused(arrays, tmp_path):
    p = tmp_path / "pickled.npz"
    np.savez(p, **{**arrays, "y_test": np.array([object()] * 300, dtype=object)})
    with pytest.raises(DataError, match="not a readable .npz"):
        read_path(p)


def test_idx_errors(arrays, tmp_path):
    folder = synthetic.write_idx(tmp_path / "idx", arrays)
    labels = folder / "t10k-labels-idx1-ubyte.gz"
    images = folder / "t10k-images-idx3-ubyte.gz"
    shutil.copy(labels, tmp_path / "labels.gz")
    shutil.copy(labels, images)  # labels where images belong
    with pytest.raises(DataError, match="wrong IDX magic number 2049, expected 2051"):
        read_path(folder)
    images.write_bytes(gzip.compress(synthetic.idx_bytes(arrays["x_test"]))[:-20])  # cut gzip
    with pytest.raises(DataError, match="truncated or corrupt"):
        read_path(folder)
    images.write_bytes(gzip.compress(synthetic.idx_bytes(arrays["x_test"])[:-28]))  # short body
    with pytest.raises(DataError, match="header says shape"):
        read_path(folder)
    images.unlink()
    (folder / "t10k-images-idx3-ubyte.xz").write_bytes(
        lzma.compress(synthetic.idx_bytes(arrays["x_test"]))[:-30]
    )
    with pytest.raises(DataError, match="truncated or corrupt"):  # a cut xz file
        read_path(folder)


def test_directory_without_data(tmp_path):
    with pytest.raises(DataError, match="is a folder but lacks the IDX files"):
        read_path(tmp_path)


def test_unknown_dataset():
    with pytest.raises(DataError, match="unknown data set 'mnsit'"):
        load_dataset("mnsit")


def test_validation_split_is_seeded_and_disjoint(arrays):
    x = np.arange(100)
    a = split_validation(x, x, 0.1, seed=3)
    b = split_validation(x, x, 0.1, seed=3)
    c = split_validation(x, x, 0.1, seed=4)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[2], c[2])
    assert len(a[2]) == 10 and set(a[0]).isdisjoint(a[2]) and len(a[0]) + len(a[2]) == 100


def test_fashion_mnist_from_the_debian_package(real_fashion_mnist):
    d = real_fashion_mnist
    assert d.name == "fashion_mnist" and not d.verified  # no pinned checksums for it
    assert d.x_train.shape == (60_000, 28, 28) and d.x_test.shape == (10_000, 28, 28)
    assert d.x_train.dtype == np.uint8
    # Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class
    assert np.bincount(d.y_train).tolist() == [6_000] * 10
    assert np.bincount(d.y_test).tolist() == [1_000] * 10
