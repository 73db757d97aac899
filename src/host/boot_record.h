#pragma once
// Builds the boot record (abi/boot.h): a BootInfo followed by a blob of
// strings and arrays addressed by offset.
#include <cstdint>
#include <string_view>
#include <vector>

#include "abi/boot.h"

namespace cella::host {

class BootRecordBuilder {
public:
    BootRecordBuilder();
    abi::BootInfo& info() { return *reinterpret_cast<abi::BootInfo*>(bytes_.data()); }
    abi::BootString add_string(std::string_view text);
    // Appends `count` zeroed T, 8-aligned, and returns their offset.
    template <typename T>
    std::uint32_t add_array(std::size_t count) {
        align(8);
        auto offset = static_cast<std::uint32_t>(bytes_.size());
        bytes_.resize(bytes_.size() + count * sizeof(T));
        return offset;
    }
    template <typename T>
    T& at(std::uint32_t offset, std::size_t index) {
        return reinterpret_cast<T*>(bytes_.data() + offset)[index];
    }
    // Fixes the size and returns the record; the builder is done.
    std::vector<std::uint8_t> finish();

private:
    void align(std::size_t to);
    std::vector<std::uint8_t> bytes_;
};

}  // namespace cella::host
