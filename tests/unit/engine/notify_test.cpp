// NOTIFY into a listener that never reads: its mailbox holds Mailbox::kMaxPending notifications,
// later ones are not queued and the sender is told with a WARNING instead of losing them quietly.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/database.h"
#include "engine/session.h"
#include "test_database.h"

namespace yunhe {
namespace {

TEST(Notify, FullMailboxWarnsTheSender) {
  auto db = testing::OpenOrDie(testing::FreshDir("notify-full"));
  Session listener(*db), sender(*db);
  ASSERT_TRUE(listener.Execute("LISTEN c").back().status.ok());
  const QueryResult r = sender.Execute(fmt::format("SELECT count(pg_notify('c', g::text)) FROM generate_series(1, {}) g",
                                                   Mailbox::kMaxPending + 2)).back();
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.notices.size(), 1u);
  EXPECT_NE(r.notices[0].find("2 notifications were not delivered"), std::string::npos) << r.notices[0];
  const auto got = listener.TakeNotifications();
  ASSERT_EQ(got.size(), Mailbox::kMaxPending);
  EXPECT_EQ(got.front().payload, "1");  // the first ones kept, in order
  EXPECT_EQ(got.back().payload, std::to_string(Mailbox::kMaxPending));
}

}  // namespace
}  // namespace yunhe
