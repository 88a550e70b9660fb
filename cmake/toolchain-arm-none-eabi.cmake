# Common part of the Cortex-M toolchain files. The including file sets PQCEA_ARM_CPU_FLAGS,
# PQCEA_QEMU_MACHINE and PQCEA_BOARD.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy)
set(CMAKE_SIZE arm-none-eabi-size)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_flags "${PQCEA_ARM_CPU_FLAGS} -mthumb -ffunction-sections -fdata-sections -fstack-usage")
set(CMAKE_C_FLAGS_INIT "${_flags}")
set(CMAKE_CXX_FLAGS_INIT "${_flags} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${PQCEA_ARM_CPU_FLAGS} -mthumb -Wl,--gc-sections --specs=nano.specs --specs=nosys.specs")

# On-target tests run under QEMU: CTest prefixes each test command with this emulator.
set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-system-arm;-M;${PQCEA_QEMU_MACHINE};-nographic;-monitor;none;-serial;none;-semihosting-config;enable=on,target=native;-kernel)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
