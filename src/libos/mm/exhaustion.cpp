#include "exhaustion.h"

#include "address_space.h"
#include "libos/base/format.h"

namespace cella::mm {
namespace {

// Sizes as cella.json writes them, rounded down to whole MB where large.
struct SizeText {
    char text[32];
    explicit SizeText(std::uint64_t bytes) {
        constexpr std::uint64_t kMB = 1 << 20;
        if (bytes >= kMB)
            base::format_to(text, sizeof text, "%luMB", static_cast<unsigned long>(bytes / kMB));
        else
            base::format_to(text, sizeof text, "%luKB", static_cast<unsigned long>((bytes + 1023) / 1024));
    }
};

}  // namespace

bool user_space_exhausted() { return address_space().exhaustion().requested != 0; }

std::size_t describe_user_space_exhaustion(char* out, std::size_t size) {
    AddressSpace& space = address_space();
    AddressSpace::Exhaustion record = space.exhaustion();
    SizeText limit(space.user_end() - space.user_base()), used(record.in_use), asked(record.requested);
    return base::format_to(out, size,
                           "the application ran out of enclave memory: a request for %s did not fit in "
                           "resource_limits.user_space_size (%s in cella.json, %s in use)",
                           asked.text, limit.text, used.text);
}

}  // namespace cella::mm
