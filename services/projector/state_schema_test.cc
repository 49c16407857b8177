// state_schema.h against projection.proto: every field of each Projected*
// message is named once, by a line of the schema or by the hand-written
// list beside it, with a matching type and in field-number order; and every
// line is carried both ways: a state with every line set comes back from
// ToProto -> FromProto -> ToProto unchanged, and the byte encoder writes
// what the generated encoder writes for it.
#include "services/projector/state_schema.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/projector/projector.h"
#include "services/projector/state_codec.h"
#include "services/projector/state_row.h"

namespace reporting::projector {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

// Checks each line against the message's descriptor and collects the
// numbers it names.
class Checker {
 public:
  explicit Checker(const Descriptor* d) : d_(d) {}

  void Str(int n, const std::string&) {
    Expect(n, FieldDescriptor::TYPE_STRING);
  }
  void Flag(int n, bool) { Expect(n, FieldDescriptor::TYPE_BOOL); }
  void U32(int n, uint32_t) { Expect(n, FieldDescriptor::TYPE_UINT32); }
  void U64(int n, uint64_t) { Expect(n, FieldDescriptor::TYPE_UINT64); }
  void I64(int n, int64_t) { Expect(n, FieldDescriptor::TYPE_INT64); }
  template <typename E>
  void Enum(int n, E) {
    const FieldDescriptor* f = Field(n);
    if (f == nullptr) return;
    EXPECT_TRUE(f->type() == FieldDescriptor::TYPE_ENUM ||
                f->type() == FieldDescriptor::TYPE_UINT32)
        << f->full_name();
  }
  void Part(int n, const Message& part, int m) {
    const FieldDescriptor* from = part.GetDescriptor()->FindFieldByNumber(m);
    ASSERT_NE(from, nullptr) << part.GetDescriptor()->full_name() << " " << m;
    EXPECT_FALSE(from->is_repeated()) << from->full_name();
    const FieldDescriptor* f = Expect(n, from->type());
    if (f != nullptr && f->type() == FieldDescriptor::TYPE_ENUM) {
      EXPECT_EQ(f->enum_type(), from->enum_type()) << f->full_name();
    }
  }
  void Embedded(int n, const Message& v) {
    const FieldDescriptor* f = Expect(n, FieldDescriptor::TYPE_MESSAGE);
    if (f != nullptr) {
      EXPECT_EQ(f->message_type(), v.GetDescriptor()) << f->full_name();
    }
  }
  template <typename R>
  void Records(int n, const std::vector<R>&) {
    const FieldDescriptor* f = Field(n, /*repeated=*/true);
    if (f == nullptr) return;
    ASSERT_EQ(f->type(), FieldDescriptor::TYPE_MESSAGE) << f->full_name();
    Checker sub(f->message_type());
    const R record{};
    Fields(sub, record);
    sub.ExpectAllNamed({});
  }

  // Every field of the message is named by a line or in `by_hand`, once.
  void ExpectAllNamed(const std::set<int>& by_hand) {
    for (int n : by_hand) {
      EXPECT_EQ(named_.count(n), 0u)
          << d_->full_name() << " field " << n << " is both a line and by hand";
    }
    for (int i = 0; i < d_->field_count(); ++i) {
      const FieldDescriptor* f = d_->field(i);
      EXPECT_TRUE(named_.count(f->number()) == 1 ||
                  by_hand.count(f->number()) == 1)
          << f->full_name() << " has no line in state_schema.h";
    }
  }
  int largest() const { return named_.empty() ? 0 : *named_.rbegin(); }

 private:
  const FieldDescriptor* Field(int n, bool repeated = false) {
    const FieldDescriptor* f = d_->FindFieldByNumber(n);
    EXPECT_NE(f, nullptr) << d_->full_name() << " has no field " << n;
    if (f == nullptr) return nullptr;
    EXPECT_EQ(f->is_repeated(), repeated) << f->full_name();
    EXPECT_TRUE(named_.empty() || n > *named_.rbegin())
        << f->full_name() << ": lines out of field-number order";
    EXPECT_TRUE(named_.insert(n).second) << f->full_name() << " named twice";
    return f;
  }
  const FieldDescriptor* Expect(int n, FieldDescriptor::Type type) {
    const FieldDescriptor* f = Field(n);
    if (f != nullptr) {
      EXPECT_EQ(f->type(), type) << f->full_name();
    }
    return f;
  }

  const Descriptor* d_;
  std::set<int> named_;
};

template <typename State, typename Projected>
int CheckLines(const std::set<int>& by_hand) {
  Checker checker(Projected::descriptor());
  const State state{};
  Fields(checker, state);
  checker.ExpectAllNamed(by_hand);
  return checker.largest();
}

TEST(StateSchema, EveryFieldHasOneLineOfItsType) {
  // The flat kinds' byte encoder writes one-byte tags: numbers below 16.
  EXPECT_LT((CheckLines<domain::EvaluationState, v1::ProjectedEvaluation>({})),
            16);
  EXPECT_LT((CheckLines<domain::MaterialState, v1::ProjectedMaterial>({})), 16);
  EXPECT_LT((CheckLines<domain::MeetingState, v1::ProjectedMeeting>({})), 16);
  EXPECT_LT(
      (CheckLines<domain::RectificationState, v1::ProjectedRectification>({})),
      16);
  CheckLines<domain::UnitState, v1::ProjectedUnit>(
      std::set<int>(std::begin(kUnitByHand), std::end(kUnitByHand)));
  CheckLines<domain::CensusState, v1::ProjectedCensus>(
      std::set<int>(std::begin(kCensusByHand), std::end(kCensusByHand)));
}

// Sets every line to a value unlike its default (and unlike the others').
class Filler {
 public:
  void Str(int n, std::string& v) { v = "text-" + std::to_string(n); }
  void Flag(int, bool& v) { v = true; }
  void U32(int n, uint32_t& v) { v = 300 + n; }
  void U64(int n, uint64_t& v) { v = (uint64_t{1} << 40) + n; }
  void I64(int n, int64_t& v) { v = -1000 - n; }
  template <typename E>
  void Enum(int, E& v) {
    v = static_cast<E>(2);
  }
  void Part(int n, Message& part, int m) {
    const FieldDescriptor* f = part.GetDescriptor()->FindFieldByNumber(m);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      part.GetReflection()->SetString(&part, f, "part-" + std::to_string(n));
    } else {
      part.GetReflection()->SetEnumValue(&part, f, 2);
    }
  }
  void Embedded(int, Message& v) {
    const Descriptor* d = v.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->is_repeated()) continue;
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        v.GetReflection()->SetString(&v, f, "embedded");
      }
    }
  }
  template <typename R>
  void Records(int, std::vector<R>& v) {
    v.assign(2, R{});
    for (R& record : v) Fields(*this, record);
    v[1].survey_number = 7;  // the two records differ
  }
};

// Each line of `p`'s message is set (not its default).
class ExpectSet {
 public:
  explicit ExpectSet(const Message& p) : p_(p) {}
  void Str(int n, const std::string&) { Set(n); }
  void Flag(int n, bool) { Set(n); }
  void U32(int n, uint32_t) { Set(n); }
  void U64(int n, uint64_t) { Set(n); }
  void I64(int n, int64_t) { Set(n); }
  template <typename E>
  void Enum(int n, E) {
    Set(n);
  }
  void Part(int n, const Message&, int) { Set(n); }
  void Embedded(int n, const Message&) { Set(n); }
  template <typename R>
  void Records(int n, const std::vector<R>&) {
    const FieldDescriptor* f = p_.GetDescriptor()->FindFieldByNumber(n);
    EXPECT_EQ(p_.GetReflection()->FieldSize(p_, f), 2) << f->full_name();
  }

 private:
  void Set(int n) {
    const FieldDescriptor* f = p_.GetDescriptor()->FindFieldByNumber(n);
    EXPECT_TRUE(p_.GetReflection()->HasField(p_, f))
        << f->full_name() << " is not written by ToProto";
  }
  const Message& p_;
};

template <typename State>
State Filled() {
  State s;
  Filler filler;
  Fields(filler, s);
  return s;
}

// ToProto writes every line; FromProto reads every line back.
template <typename State>
void ExpectRoundTrip(const State& s) {
  const auto p = ToProto(s);
  ExpectSet expect(p);
  Fields(expect, s);
  const auto again = ToProto(FromProto(p));
  EXPECT_TRUE(MessageDifferencer::Equals(again, p))
      << p.DebugString() << "\n!=\n"
      << again.DebugString();
}

TEST(StateSchema, EveryLineGoesBothWays) {
  ExpectRoundTrip(Filled<domain::EvaluationState>());
  ExpectRoundTrip(Filled<domain::MaterialState>());
  ExpectRoundTrip(Filled<domain::MeetingState>());
  ExpectRoundTrip(Filled<domain::RectificationState>());
  ExpectRoundTrip(Filled<domain::CensusState>());
  ExpectRoundTrip(Filled<domain::UnitState>());
}

TEST(StateSchema, TheByteEncoderWritesEveryLine) {
  v1::ProjectedAggregate a;
  *a.mutable_evaluation() = ToProto(Filled<domain::EvaluationState>());
  EXPECT_EQ(EncodeStateRow(Filled<domain::EvaluationState>()), SerializeRow(a));
  a.Clear();
  *a.mutable_material() = ToProto(Filled<domain::MaterialState>());
  EXPECT_EQ(EncodeStateRow(Filled<domain::MaterialState>()), SerializeRow(a));
  a.Clear();
  *a.mutable_meeting() = ToProto(Filled<domain::MeetingState>());
  EXPECT_EQ(EncodeStateRow(Filled<domain::MeetingState>()), SerializeRow(a));
  a.Clear();
  *a.mutable_rectification() = ToProto(Filled<domain::RectificationState>());
  EXPECT_EQ(EncodeStateRow(Filled<domain::RectificationState>()),
            SerializeRow(a));
}

// The hand-written members: a slim state comes back as it was.
TEST(StateSchema, MapShapedMembersGoBothWays) {
  domain::UnitState unit = Filled<domain::UnitState>();
  unit.roster.branches["B2"] = "second branch";
  unit.roster.branches["B1"] = "first branch";
  v1::MemberRegistered& member = unit.roster.members["371302-M0001"];
  member.set_member_id("371302-M0001");
  member.set_branch_id("B2");
  member.set_name("dropped");
  unit.transition.checks[v1::LookBackCheck(1)] = true;
  unit.transition.checks[v1::LookBackCheck(3)] = false;
  unit.transition.findings[v1::LookBackCheck(1)] = "dropped";
  unit.transition.findings[v1::LookBackCheck(3)] = "dropped";
  unit.summaries[v1::Stage(1)].set_unit_id("dropped");
  SlimUnit(unit);
  const domain::UnitState back = FromProto(ToProto(unit));
  EXPECT_EQ(back.roster.branches, unit.roster.branches);
  ASSERT_EQ(back.roster.members.size(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(back.roster.members.at("371302-M0001"),
                                         member));
  EXPECT_EQ(back.transition.checks, unit.transition.checks);
  EXPECT_EQ(back.transition.findings, unit.transition.findings);
  EXPECT_EQ(back.summaries.size(), 1u);
  EXPECT_EQ(back.summaries.count(v1::Stage(1)), 1u);

  domain::CensusState census = Filled<domain::CensusState>();
  census.report.add_main_problems()->set_problem_id("P1");
  census.report.add_main_problems()->set_problem_id("P2");
  census.resolutions["P1"] = "fixed";
  census.resolutions["P2"] = "";
  SlimCensus(census);
  const domain::CensusState census_back = FromProto(ToProto(census));
  EXPECT_EQ(census_back.resolutions, census.resolutions);
}

}  // namespace
}  // namespace reporting::projector
