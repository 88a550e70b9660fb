set(PQCEA_ARM_CPU_FLAGS "-mcpu=cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16")
set(PQCEA_QEMU_MACHINE mps2-an505)
set(PQCEA_BOARD mps2-an505)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-arm-none-eabi.cmake)
