// Decode throughput of the page encodings a reader spends its time in: RLE_DICTIONARY indices
// (tag columns), DELTA_BINARY_PACKED timestamps, PLAIN doubles (fields), definition levels, and
// ZSTD/SNAPPY page decompression. Each decodes one page of kPageValues values per iteration into
// a column-sized output; items/s is values per second, bytes/s counts decoded output bytes.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "parquet/compression.h"
#include "parquet/encoding_delta.h"
#include "parquet/encoding_plain.h"
#include "parquet/encoding_rle.h"

namespace strata::parquet {
namespace {

constexpr size_t kPageValues = 1 << 16;

void SetCounters(benchmark::State& state, size_t value_bytes, size_t encoded_bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPageValues));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kPageValues * value_bytes));
  state.counters["encoded_bits_per_value"] =
      static_cast<double>(encoded_bytes) * 8 / static_cast<double>(kPageValues);
}

// Dictionary indices into a dictionary of state.range(0) entries; with state.range(1) set, each
// index repeats for a run of 1-16 values (sorted tag columns), otherwise they are random.
void BM_DecodeRleDictionaryIndices(benchmark::State& state) {
  const size_t dictionary_size = static_cast<size_t>(state.range(0));
  const bool runs = state.range(1) != 0;
  std::mt19937_64 random(1);
  std::vector<int32_t> indices;
  while (indices.size() < kPageValues) {
    const int32_t index = static_cast<int32_t>(random() % dictionary_size);
    const size_t run = runs ? 1 + random() % 16 : 1;
    indices.insert(indices.end(), std::min(run, kPageValues - indices.size()), index);
  }
  std::string page;
  EncodeRleDictionaryIndices(indices, dictionary_size, &page);
  std::vector<int32_t> out(kPageValues);
  for (auto _ : state) {
    RleBitPackedDecoder decoder;
    if (!decoder.InitDictionaryIndices(page, kPageValues).ok() ||
        !decoder.DecodeDictionaryIndices(std::span(out), dictionary_size).ok()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, sizeof(int32_t), page.size());
}
BENCHMARK(BM_DecodeRleDictionaryIndices)
    ->Args({16, 0})
    ->Args({1000, 0})
    ->Args({100000, 0})
    ->Args({1000, 1});

// Definition levels of an optional column with 10% nulls, 1 bit each, to uint8_t.
void BM_DecodeRleDefinitionLevels(benchmark::State& state) {
  std::mt19937_64 random(2);
  std::vector<uint8_t> levels(kPageValues);
  for (uint8_t& level : levels) {
    level = random() % 10 != 0;
  }
  std::string page;
  EncodeRleBitPackedLengthPrefixed(std::span<const uint8_t>(levels), 1, &page);
  std::vector<uint8_t> out(kPageValues);
  for (auto _ : state) {
    RleBitPackedDecoder decoder;
    if (!decoder.InitLengthPrefixed(page, 1, kPageValues).ok() ||
        !decoder.Decode(std::span(out)).ok()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, sizeof(uint8_t), page.size());
}
BENCHMARK(BM_DecodeRleDefinitionLevels);

// Nanosecond timestamps state.range(0) ns apart with jitter of up to state.range(1) ns.
void BM_DecodeDeltaTimestamps(benchmark::State& state) {
  std::mt19937_64 random(3);
  std::vector<int64_t> values(kPageValues);
  int64_t t = 1700000000000000000;
  for (int64_t& value : values) {
    t +=
        state.range(0) + (state.range(1) > 0 ? static_cast<int64_t>(random() % state.range(1)) : 0);
    value = t;
  }
  std::string page;
  EncodeDeltaBinaryPacked(std::span<const int64_t>(values), &page);
  std::vector<int64_t> out(kPageValues);
  for (auto _ : state) {
    if (!DecodeDeltaBinaryPacked(page, std::span(out)).ok()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, sizeof(int64_t), page.size());
}
BENCHMARK(BM_DecodeDeltaTimestamps)
    ->Args({10'000'000'000, 0})
    ->Args({1'000'000'000, 1'000'000})
    ->Args({1'000'000, 1'000'000});

void BM_DecodePlainDoubles(benchmark::State& state) {
  std::mt19937_64 random(4);
  std::uniform_real_distribution<double> distribution(0, 100);
  std::vector<double> values(kPageValues);
  for (double& value : values) {
    value = distribution(random);
  }
  std::string page;
  EncodePlain(std::span<const double>(values), &page);
  std::vector<double> out(kPageValues);
  for (auto _ : state) {
    if (!DecodePlain(page, std::span(out)).ok()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, sizeof(double), page.size());
}
BENCHMARK(BM_DecodePlainDoubles);

// PLAIN BYTE_ARRAY strings of 5-30 bytes (log messages are longer, tags shorter).
void BM_DecodePlainByteArrayViews(benchmark::State& state) {
  std::mt19937_64 random(5);
  std::vector<std::string> strings(kPageValues);
  for (std::string& s : strings) {
    s.assign(5 + random() % 26, static_cast<char>('a' + random() % 26));
  }
  const std::vector<std::string_view> views(strings.begin(), strings.end());
  std::string page;
  if (!EncodePlainByteArray(views, &page).ok()) {
    state.SkipWithError("encode failed");
    return;
  }
  std::vector<std::string_view> out(kPageValues);
  for (auto _ : state) {
    if (!DecodePlainByteArray(page, std::span(out)).ok()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, sizeof(std::string_view), page.size());
}
BENCHMARK(BM_DecodePlainByteArrayViews);

// Decompression of a page of PLAIN doubles with two decimal digits (typical sensor fields).
void BM_DecompressPlainDoublesPage(benchmark::State& state) {
  const CodecId id = static_cast<CodecId>(state.range(0));
  std::mt19937_64 random(6);
  std::vector<double> values(kPageValues);
  for (double& value : values) {
    value = static_cast<double>(random() % 10000) / 100;
  }
  std::string page;
  EncodePlain(std::span<const double>(values), &page);
  const Codec& codec = **GetCodec(id);
  std::string compressed;
  if (!codec.Compress(page, std::nullopt, &compressed).ok()) {
    state.SkipWithError("compress failed");
    return;
  }
  std::string out;
  for (auto _ : state) {
    if (!codec.Decompress(compressed, static_cast<int64_t>(page.size()), 1 << 30, &out).ok()) {
      state.SkipWithError("decompress failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, sizeof(double), compressed.size());
  state.SetLabel(CodecName(id));
}
BENCHMARK(BM_DecompressPlainDoublesPage)
    ->Arg(static_cast<int>(CodecId::kSnappy))
    ->Arg(static_cast<int>(CodecId::kZstd))
    ->Arg(static_cast<int>(CodecId::kGzip));

}  // namespace
}  // namespace strata::parquet

BENCHMARK_MAIN();
