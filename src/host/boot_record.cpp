#include "boot_record.h"

#include <cstring>
#include <stdexcept>

namespace cella::host {

BootRecordBuilder::BootRecordBuilder() : bytes_(sizeof(abi::BootInfo), 0) {
    info().magic = abi::kBootMagic;
    info().version = abi::kBootVersion;
}

void BootRecordBuilder::align(std::size_t to) { bytes_.resize((bytes_.size() + to - 1) / to * to, 0); }

abi::BootString BootRecordBuilder::add_string(std::string_view text) {
    if (bytes_.size() + text.size() + 1 > (16u << 20)) throw std::runtime_error("arguments and environment too large");
    auto offset = static_cast<std::uint32_t>(bytes_.size());
    bytes_.insert(bytes_.end(), text.begin(), text.end());
    bytes_.push_back(0);
    return {offset, static_cast<std::uint32_t>(text.size())};
}

std::vector<std::uint8_t> BootRecordBuilder::finish() {
    align(8);
    info().total_size = static_cast<std::uint32_t>(bytes_.size());
    return std::move(bytes_);
}

}  // namespace cella::host
