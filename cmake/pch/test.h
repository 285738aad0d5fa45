// Precompiled for the test binaries and the shared fakes (cmake/Pch.cmake): the library set plus
// GoogleTest and GoogleMock, which every test file includes.
#pragma once

#include "cmake/pch/common.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
