// Precompiled for every library of the tree (cmake/Pch.cmake): the standard headers most files
// include and nlohmann/json, which a third of the translation units (147 of 474) reach, most through bot/json.h.
// Parsing these once per target instead of once per file is most of what a clean build saves.
// Only headers whose meaning does not depend on a target's own definitions belong here.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
