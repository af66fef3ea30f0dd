# stub: only the time-series encoder uses crc32c
def crc32c(*a, **k): raise NotImplementedError
