#include "observe/trace.h"

#include <set>

#include "gtest/gtest.h"

namespace strata::observe {
namespace {

constexpr char kExample[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceparentTest, ParsesTheSpecExample) {
  auto context = ParseTraceparent(kExample);
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->trace_id.ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(context->trace_id.high, 0x4bf92f3577b34da6u);
  EXPECT_EQ(SpanIdHex(context->span_id), "00f067aa0ba902b7");
  EXPECT_TRUE(context->sampled);
  EXPECT_EQ(FormatTraceparent(*context), kExample);
}

TEST(TraceparentTest, NotSampledFlag) {
  auto context = ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(context.has_value());
  EXPECT_FALSE(context->sampled);
}

TEST(TraceparentTest, RejectsMalformedValues) {
  for (const char* bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",      // no flags
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero parent id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // forbidden version
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // v00 has no extra
           "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",   // misplaced dash
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
           "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       }) {
    EXPECT_FALSE(ParseTraceparent(bad).has_value()) << bad;
  }
}

TEST(TraceparentTest, FutureVersionsReadTheKnownFields) {
  EXPECT_TRUE(
      ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").has_value());
  EXPECT_TRUE(ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")
                  .has_value());
  EXPECT_FALSE(
      ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01extra").has_value());
}

TEST(UberTraceIdTest, ParsesShortAndLongIds) {
  auto context = ParseUberTraceId("abc:DEF:0:1");
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->trace_id.ToHex(), "00000000000000000000000000000abc");
  EXPECT_EQ(context->span_id, 0xdefu);
  EXPECT_TRUE(context->sampled);
  context = ParseUberTraceId("4bf92f3577b34da6a3ce929d0e0e4736%3A00f067aa0ba902b7%3a0%3A0");
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->trace_id.ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_FALSE(context->sampled);
}

TEST(UberTraceIdTest, RejectsMalformedValues) {
  for (const char* bad : {"",
                          "abc:def:0",
                          "abc:def:0:1:2",
                          "0:def:0:1",
                          "abc:0:0:1",
                          "xyz:def:0:1",
                          "abc::0:1",
                          "123456789012345678901234567890123:1:0:1"}) {
    EXPECT_FALSE(ParseUberTraceId(bad).has_value()) << bad;
  }
}

TEST(TraceTest, NewTraceHasRandomIdsAndRootSpans) {
  Trace a;
  Trace b;
  EXPECT_TRUE(a.trace_id().valid());
  EXPECT_NE(a.trace_id(), b.trace_id());
  EXPECT_EQ(a.remote_parent_span_id(), 0u);
  uint64_t root = a.StartSpan("query", 0, SpanKind::kServer);
  uint64_t child = a.StartSpan("parse", root);
  a.SetAttribute(child, "rows", int64_t{3});
  a.EndSpan(child, absl::InvalidArgumentError("syntax error"));
  a.EndSpan(root);
  auto spans = a.spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].parent_span_id, 0u);
  EXPECT_EQ(spans[1].parent_span_id, root);
  EXPECT_NE(spans[0].span_id, spans[1].span_id);
  EXPECT_TRUE(spans[1].error);
  EXPECT_EQ(spans[1].status_message, "syntax error");
  EXPECT_GE(spans[1].end_unix_nanos, spans[1].start_unix_nanos);
  EXPECT_GT(spans[1].start_unix_nanos, 0);
  ASSERT_EQ(spans[1].attributes.size(), 1u);
  EXPECT_FALSE(spans[0].error);
}

TEST(TraceTest, ContinuesARemoteParent) {
  SpanContext remote = *ParseTraceparent(kExample);
  Trace trace(remote);
  EXPECT_EQ(trace.trace_id(), remote.trace_id);
  uint64_t root = trace.StartSpan("query", 0);
  EXPECT_EQ(trace.spans()[0].parent_span_id, remote.span_id);
  EXPECT_NE(root, remote.span_id);
}

TEST(TraceTest, ScopedSpanEndsOnceAndToleratesNullTrace) {
  Trace trace;
  {
    ScopedSpan span(&trace, "optimize", 0);
    span.set_status(absl::InternalError("boom"));
  }
  EXPECT_NE(trace.spans()[0].end_unix_nanos, 0);
  EXPECT_TRUE(trace.spans()[0].error);
  { ScopedSpan nothing(nullptr, "x", 0); }
}

}  // namespace
}  // namespace strata::observe
