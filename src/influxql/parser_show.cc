// EXPLAIN, the SHOW statements, and the errors for the InfluxQL statements strata does not run.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "influxql/parser_internal.h"

namespace strata::influxql::internal {
namespace {

constexpr std::string_view kShowWhat =
    "DATABASES, MEASUREMENTS, TAG KEYS, TAG VALUES, FIELD KEYS, SERIES or RETENTION POLICIES "
    "after SHOW";

std::string NotSupported(std::string_view what) {
  return Concat(what, " is not supported by strata");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseExplain() {
  auto explain = std::make_unique<ExplainStatement>(Advance().offset);
  explain->analyze = Accept(Keyword::kAnalyze);
  if (!Peek().Is(Keyword::kSelect)) {
    return ErrorExpected(explain->analyze ? "SELECT after EXPLAIN ANALYZE"
                                          : "ANALYZE or SELECT after EXPLAIN");
  }
  STRATA_ASSIGN_OR_RETURN(explain->select, ParseSelect());
  return explain;
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseShow() {
  const size_t position = Advance().offset;  // SHOW
  if (Peek().kind != TokenKind::kKeyword) {
    return ErrorExpected(kShowWhat);
  }
  switch (Peek().keyword) {
    case Keyword::kDatabases:
      Advance();
      return std::make_unique<ShowDatabasesStatement>(position);
    case Keyword::kRetention: {
      Advance();
      STRATA_RETURN_IF_ERROR(Expect(Keyword::kPolicies, "after SHOW RETENTION"));
      auto show = std::make_unique<ShowRetentionPoliciesStatement>(position);
      STRATA_ASSIGN_OR_RETURN(show->database, ParseOptionalOn());
      return show;
    }
    case Keyword::kMeasurements:
      Advance();
      return ParseShowMeasurements(position);
    case Keyword::kMeasurement:
      Advance();
      return UnsupportedCardinality(position, "SHOW MEASUREMENT");
    case Keyword::kTag:
      Advance();
      if (Accept(Keyword::kKeys)) {
        return ParseShowTagKeys(position);
      }
      if (Accept(Keyword::kValues)) {
        if (Peek().Is(Keyword::kExact) || Peek().Is(Keyword::kCardinality)) {
          return UnsupportedCardinality(position, "SHOW TAG VALUES");
        }
        return ParseShowTagValues(position);
      }
      if (Accept(Keyword::kKey)) {
        return UnsupportedCardinality(position, "SHOW TAG KEY");
      }
      return ErrorExpected("KEYS or VALUES after SHOW TAG");
    case Keyword::kField:
      Advance();
      if (Accept(Keyword::kKeys)) {
        return ParseShowFieldKeys(position);
      }
      if (Accept(Keyword::kKey)) {
        return UnsupportedCardinality(position, "SHOW FIELD KEY");
      }
      return ErrorExpected("KEYS after SHOW FIELD");
    case Keyword::kSeries:
      Advance();
      if (Peek().Is(Keyword::kExact) || Peek().Is(Keyword::kCardinality)) {
        return UnsupportedCardinality(position, "SHOW SERIES");
      }
      return ParseShowSeries(position);
    case Keyword::kContinuous:
      return ErrorAt(position, NotSupported("SHOW CONTINUOUS QUERIES"));
    case Keyword::kDiagnostics:
      return ErrorAt(position, NotSupported("SHOW DIAGNOSTICS"));
    case Keyword::kGrants:
      return ErrorAt(position, NotSupported("SHOW GRANTS"));
    case Keyword::kQueries:
      return ErrorAt(position, NotSupported("SHOW QUERIES"));
    case Keyword::kShard:
      return ErrorAt(position, NotSupported("SHOW SHARD GROUPS"));
    case Keyword::kShards:
      return ErrorAt(position, NotSupported("SHOW SHARDS"));
    case Keyword::kStats:
      return ErrorAt(position, NotSupported("SHOW STATS"));
    case Keyword::kSubscriptions:
      return ErrorAt(position, NotSupported("SHOW SUBSCRIPTIONS"));
    case Keyword::kUsers:
      return ErrorAt(position, NotSupported("SHOW USERS"));
    default:
      return ErrorExpected(kShowWhat);
  }
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseShowMeasurements(size_t position) {
  auto show = std::make_unique<ShowMeasurementsStatement>(position);
  STRATA_ASSIGN_OR_RETURN(show->database, ParseOptionalOn());
  if (Accept(Keyword::kWith)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kMeasurement, "after WITH"));
    // InfluxDB takes a name or a regex after either operator; the printer writes `= name` and
    // `=~ /regex/`.
    if (!Accept(TokenKind::kEq) && !Accept(TokenKind::kEqRegex)) {
      return ErrorExpected("= or =~ after WITH MEASUREMENT");
    }
    STRATA_ASSIGN_OR_RETURN(show->with_measurement,
                            ParseMeasurement("a measurement or a regular expression"));
  }
  STRATA_ASSIGN_OR_RETURN(show->condition, ParseOptionalWhere());
  STRATA_RETURN_IF_ERROR(ParseLimitOffset(&show->limit, &show->offset));
  return show;
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseShowTagKeys(size_t position) {
  auto show = std::make_unique<ShowTagKeysStatement>(position);
  STRATA_ASSIGN_OR_RETURN(show->database, ParseOptionalOn());
  STRATA_ASSIGN_OR_RETURN(show->from, ParseOptionalFrom());
  STRATA_ASSIGN_OR_RETURN(show->condition, ParseOptionalWhere());
  STRATA_RETURN_IF_ERROR(ParseLimitOffset(&show->limit, &show->offset));
  return show;
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseShowTagValues(size_t position) {
  auto show = std::make_unique<ShowTagValuesStatement>(position);
  STRATA_ASSIGN_OR_RETURN(show->database, ParseOptionalOn());
  STRATA_ASSIGN_OR_RETURN(show->from, ParseOptionalFrom());
  STRATA_ASSIGN_OR_RETURN(show->key, ParseTagKeyFilter());
  STRATA_ASSIGN_OR_RETURN(show->condition, ParseOptionalWhere());
  STRATA_RETURN_IF_ERROR(ParseLimitOffset(&show->limit, &show->offset));
  return show;
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseShowFieldKeys(size_t position) {
  auto show = std::make_unique<ShowFieldKeysStatement>(position);
  STRATA_ASSIGN_OR_RETURN(show->database, ParseOptionalOn());
  STRATA_ASSIGN_OR_RETURN(show->from, ParseOptionalFrom());
  STRATA_RETURN_IF_ERROR(ParseLimitOffset(&show->limit, &show->offset));
  return show;
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseShowSeries(size_t position) {
  auto show = std::make_unique<ShowSeriesStatement>(position);
  STRATA_ASSIGN_OR_RETURN(show->database, ParseOptionalOn());
  STRATA_ASSIGN_OR_RETURN(show->from, ParseOptionalFrom());
  STRATA_ASSIGN_OR_RETURN(show->condition, ParseOptionalWhere());
  STRATA_RETURN_IF_ERROR(ParseLimitOffset(&show->limit, &show->offset));
  return show;
}

absl::StatusOr<std::optional<Identifier>> Parser::ParseOptionalOn() {
  if (!Accept(Keyword::kOn)) {
    return std::nullopt;
  }
  return ParseIdentifier("a database name after ON");
}

absl::StatusOr<std::vector<Measurement>> Parser::ParseOptionalFrom() {
  std::vector<Measurement> measurements;
  if (!Accept(Keyword::kFrom)) {
    return measurements;
  }
  do {
    STRATA_ASSIGN_OR_RETURN(Measurement measurement,
                            ParseMeasurement("a measurement or a regular expression"));
    measurements.push_back(std::move(measurement));
  } while (Accept(TokenKind::kComma));
  return measurements;
}

absl::Status Parser::ParseLimitOffset(std::optional<int64_t>* limit,
                                      std::optional<int64_t>* offset) {
  if (Accept(Keyword::kLimit)) {
    STRATA_ASSIGN_OR_RETURN(*limit, ParseCount("LIMIT"));
  }
  if (Accept(Keyword::kOffset)) {
    STRATA_ASSIGN_OR_RETURN(*offset, ParseCount("OFFSET"));
  }
  return absl::OkStatus();
}

absl::StatusOr<TagKeyFilter> Parser::ParseTagKeyFilter() {
  if (!Peek().Is(Keyword::kWith)) {
    return ErrorExpected("WITH KEY after SHOW TAG VALUES");
  }
  TagKeyFilter filter;
  filter.position = Advance().offset;
  STRATA_RETURN_IF_ERROR(Expect(Keyword::kKey, "after WITH"));
  switch (Peek().kind) {
    case TokenKind::kEq:
    case TokenKind::kNotEq: {
      filter.op = Advance().kind == TokenKind::kEq ? TagKeyOperator::kEq : TagKeyOperator::kNotEq;
      STRATA_ASSIGN_OR_RETURN(Identifier key, ParseIdentifier("a tag key"));
      filter.keys.push_back(std::move(key));
      return filter;
    }
    case TokenKind::kEqRegex:
    case TokenKind::kNotEqRegex: {
      filter.op = Advance().kind == TokenKind::kEqRegex ? TagKeyOperator::kRegexMatch
                                                        : TagKeyOperator::kRegexNotMatch;
      if (!AtRegex()) {
        return ErrorExpected("a regular expression (/.../)");
      }
      STRATA_ASSIGN_OR_RETURN(Token regex, TakeRegex());
      filter.regex = std::move(regex.text);
      return filter;
    }
    default:
      break;
  }
  if (!Accept(Keyword::kIn)) {
    return ErrorExpected("=, !=, =~, !~ or IN after WITH KEY");
  }
  filter.op = TagKeyOperator::kIn;
  if (!Accept(TokenKind::kLeftParen)) {
    return ErrorExpected("'(' after IN");
  }
  do {
    STRATA_ASSIGN_OR_RETURN(Identifier key, ParseIdentifier("a tag key"));
    filter.keys.push_back(std::move(key));
  } while (Accept(TokenKind::kComma));
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected("',' or ')' in the tag key list");
  }
  return filter;
}

absl::Status Parser::UnsupportedCardinality(size_t position, std::string_view name) {
  const bool exact = Accept(Keyword::kExact);
  if (!Peek().Is(Keyword::kCardinality)) {
    return ErrorExpected(exact ? Concat("CARDINALITY after ", name, " EXACT")
                               : Concat("EXACT or CARDINALITY after ", name));
  }
  return ErrorAt(position, NotSupported(Concat(name, exact ? " EXACT" : "", " CARDINALITY")));
}

absl::Status Parser::UnsupportedStatement() {
  const Token first = Advance();
  std::string name(KeywordName(first.keyword));
  std::string_view object;
  const Keyword next = Peek().kind == TokenKind::kKeyword ? Peek().keyword : Keyword::kNone;
  switch (first.keyword) {
    case Keyword::kCreate:
    case Keyword::kDrop:
      switch (next) {
        case Keyword::kDatabase:
          object = "DATABASE";
          break;
        case Keyword::kRetention:
          object = "RETENTION POLICY";
          break;
        case Keyword::kUser:
          object = "USER";
          break;
        case Keyword::kContinuous:
          object = "CONTINUOUS QUERY";
          break;
        case Keyword::kSubscription:
          object = "SUBSCRIPTION";
          break;
        case Keyword::kMeasurement:
          object = first.keyword == Keyword::kDrop ? "MEASUREMENT" : "";
          break;
        case Keyword::kSeries:
          object = first.keyword == Keyword::kDrop ? "SERIES" : "";
          break;
        case Keyword::kShard:
          object = first.keyword == Keyword::kDrop ? "SHARD" : "";
          break;
        default:
          break;
      }
      break;
    case Keyword::kAlter:
      object = next == Keyword::kRetention ? "RETENTION POLICY" : "";
      break;
    case Keyword::kKill:
      object = next == Keyword::kQuery ? "QUERY" : "";
      break;
    case Keyword::kSet:
      object = next == Keyword::kPassword ? "PASSWORD" : "";
      break;
    default:
      break;
  }
  if (!object.empty()) {
    name = Concat(name, " ", object);
  }
  std::string message = NotSupported(name);
  if (name == "CREATE DATABASE") {
    message += " (a database is created by its first write)";
  }
  return ErrorAt(first.offset, message);
}

}  // namespace strata::influxql::internal
