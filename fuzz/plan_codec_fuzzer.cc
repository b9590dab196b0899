// Fuzzes the plan codec's decoder: any bytes must decode to a plan or fail with a status, never
// crash. A decoded plan is also re-encoded (which must succeed) and shown as EXPLAIN text; plans
// are not executed (a valid plan may legitimately run for long). The decode context has a write
// buffer, so scan nodes are rebuilt too. Seeds: fuzz/corpus/plan_codec (real SQL plans, written
// by src/codec/plan_codec_test.cc's WriteFuzzSeeds).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "buffer/write_buffer.h"
#include "codec/plan_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static strata::buffer::WriteBuffer* buffer = new strata::buffer::WriteBuffer();
  strata::codec::DecodeContext context;
  context.write_buffer = buffer;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<strata::exec::ExecutionPlanPtr> plan = strata::codec::DecodePlan(bytes, context);
  if (!plan.ok()) {
    return 0;
  }
  if (!strata::codec::EncodePlan(**plan).ok()) {
    std::abort();  // every decoded plan must encode again
  }
  (void)strata::exec::DisplayPlan(**plan);
  return 0;
}
