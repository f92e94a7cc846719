"""The IDX reader: round trips, and refusal of truncated, corrupted and malformed files."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from dlcourse.data.idx import IDXError, encode_idx, parse_idx, read_idx


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip_every_idx_type(tmp_path, dtype):
    array = (np.arange(2 * 3 * 4) - 5).astype(dtype).reshape(2, 3, 4)
    path = tmp_path / "a.idx"
    path.write_bytes(encode_idx(array))
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)


def test_gzipped_file_is_read_and_labels_keep_shape(tmp_path):
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(encode_idx(labels)))
    np.testing.assert_array_equal(read_idx(path), labels)


def test_header_is_big_endian(tmp_path):
    # 0x00 0x00 0x08 (uint8) 0x01 (1 dim), size 258 = 0x00000102 big-endian
    raw = bytes([0, 0, 8, 1, 0, 0, 1, 2]) + bytes(range(256)) + b"\x07\x07"
    assert parse_idx(raw).shape == (258,)


def test_truncated_gzip_is_refused_with_the_file_name(tmp_path):
    data = gzip.compress(encode_idx(np.zeros((50, 28, 28), np.uint8) + 7))
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IDXError, match="train-images-idx3-ubyte.gz is truncated or corrupted"):
        read_idx(path)


def test_corrupted_gzip_is_refused(tmp_path):
    data = bytearray(gzip.compress(encode_idx(np.arange(1000, dtype=np.int32))))
    data[len(data) // 2] ^= 0xFF  # flip bits in the middle of the compressed stream
    path = tmp_path / "bad.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(IDXError, match="bad.gz"):
        read_idx(path)


def test_truncated_data_is_refused_with_sizes():
    raw = encode_idx(np.zeros((10, 4, 4), np.uint8))
    with pytest.raises(IDXError, match=r"x.idx is truncated: its header promises shape \(10, 4, 4\) \(160 bytes"):
        parse_idx(raw[:-1], name="x.idx")


def test_trailing_bytes_are_refused():
    raw = encode_idx(np.zeros(4, np.uint8)) + b"junk"
    with pytest.raises(IDXError, match="longer than its header says"):
        parse_idx(raw)


@pytest.mark.parametrize("magic", [b"\x01\x00\x08\x01", b"\x00\x00\x42\x01", b"\x00\x00\x08\x00", b"PK\x03\x04"])
def test_bad_magic_is_refused(magic):
    with pytest.raises(IDXError, match="bad magic number"):
        parse_idx(magic + b"\x00\x00\x00\x01" + b"\x00", name="m.idx")


def test_short_file_and_truncated_header_are_refused():
    with pytest.raises(IDXError, match="too short"):
        parse_idx(b"\x00\x00")
    with pytest.raises(IDXError, match="truncated inside its header"):
        parse_idx(b"\x00\x00\x08\x03\x00\x00\x00\x01")
