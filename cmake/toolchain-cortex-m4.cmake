set(PQCEA_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(PQCEA_QEMU_MACHINE mps2-an386)
set(PQCEA_BOARD mps2-an386)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-arm-none-eabi.cmake)
