// SHA-512 against the FIPS 180-4 examples (NIST's "SHA512.pdf" and the long-message vector) and
// the padding boundaries, in one call and fed in pieces.
#include "auth/sha512.h"

#include <string>

#include "gtest/gtest.h"

namespace strata::auth {
namespace {

std::string Hex(const Sha512::Digest& digest) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

struct Vector {
  std::string message;
  const char* digest;
};

std::vector<Vector> Vectors() {
  return {
      {"abc",
       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a"
       "3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
      {"",
       "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d28"
       "77eec2f63b931bd47417a81a538327af927da3e"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea5"
       "7789ca031ad85c7a71dd70354ec631238ca3445"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrl"
       "mnopqrsmnopqrstnopqrstu",
       "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec"
       "4b5433ac7d329eeb6dd26545e96e55b874be909"},
      {std::string(1'000'000, 'a'),
       "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce"
       "577c31beb009c5c2c49aa2e4eadb217ad8cc09b"},
      // Padding boundaries: 111 bytes fit one block with the length, 112 need a second block;
      // 127 and 128 end at a block edge; 239 spans two blocks plus padding (coreutils sha512sum).
      {std::string(111, 'x'),
       "9a2a120825c2319867758ec277924f6faa254968bf752046dacdd948d8ad299b10359fd04bfd7d3810b5fa1b1"
       "6a294236138baff981cbb85248478053ac4d3dd"},
      {std::string(112, 'x'),
       "a3722b515ef40c910f2419f6e0da8ca51d410114ce6272faae64045f9e9f630e7fa8dd5a3243c9860b899d148"
       "c3da4bc0f9e07454542604d030bb55531fe0d5b"},
      {std::string(127, 'x'),
       "1d5a8893e7b7ed83d485d26f88cfb846f3760279916976fe538e539fc16f7cd19ba3e1c2cd5fda78749a74205"
       "755cdf694e8fa90b2bfed8815f406af76c1d7bf"},
      {std::string(128, 'x'),
       "e2e22f8422b54b06e35c3ea30a383d1de7a8fbc27992923074103117020d8dd7024c3ecf7d6d1a15a6de5a75f"
       "f32fb486b9e8ced4c02ffe05822bf2cb734d0e0"},
      {std::string(239, 'x'),
       "805c40517b44cef414a06c632b4ee9c21d34c85a84c3f9530274db86e2a3e38cb0e54025666b925426bd6860f"
       "81538abbfab13011e85767d814a245d232a6044"},
  };
}

TEST(Sha512Test, FipsVectorsInOneCall) {
  for (const Vector& v : Vectors()) {
    EXPECT_EQ(Hex(Sha512::Hash(v.message)), v.digest) << "message of " << v.message.size();
  }
}

TEST(Sha512Test, FipsVectorsInPieces) {
  // Piece sizes that straddle the 128-byte block in every way.
  for (size_t piece : {1, 3, 64, 127, 128, 129, 1000}) {
    for (const Vector& v : Vectors()) {
      Sha512 sha;
      for (size_t pos = 0; pos < v.message.size(); pos += piece) {
        sha.Update(std::string_view(v.message).substr(pos, piece));
      }
      EXPECT_EQ(Hex(sha.Finish()), v.digest)
          << "message of " << v.message.size() << " in pieces of " << piece;
    }
  }
}

TEST(Sha512Test, HexEncode) {
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
  EXPECT_EQ(HexEncode(""), "");
}

}  // namespace
}  // namespace strata::auth
