#include "storage/hash_chain.h"

#include "gtest/gtest.h"
#include "storage/event_log.h"

namespace reporting::storage {
namespace {

TEST(HashChain, ZeroHashIs32ZeroBytes) {
  EXPECT_EQ(ZeroHash(), std::string(kHashBytes, '\0'));
}

// The vectors are what storage/README.md tells an auditor to compute:
//   h1 = hashlib.sha256(b"\x00" * 32 + b"abc").digest()
//   h2 = hashlib.sha256(h1 + b"def").digest()
TEST(HashChain, MatchesTheDocumentedConstruction) {
  const std::string h1 = ChainHash(ZeroHash(), "abc");
  EXPECT_EQ(HexHash(h1),
            "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370");
  EXPECT_EQ(HexHash(ChainHash(h1, "def")),
            "532f0131db1635cb105c9753e41e7908599aa4dd144658c92e50b60113ad993a");
}

TEST(HashChain, DependsOnThePreviousHashAndEveryByte) {
  const std::string a = ChainHash(ZeroHash(), "envelope");
  EXPECT_EQ(a.size(), kHashBytes);
  EXPECT_NE(a, ChainHash(ZeroHash(), "envelopf"));
  EXPECT_NE(a, ChainHash(a, "envelope"));
  EXPECT_EQ(a, ChainHash(ZeroHash(), "envelope"));
}

TEST(HashChain, HexIsLowerCase) {
  EXPECT_EQ(HexHash(std::string("\x00\xab\xff", 3)), "00abff");
}

}  // namespace
}  // namespace reporting::storage
