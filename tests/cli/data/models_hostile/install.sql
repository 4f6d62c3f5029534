-- planwise: kind=mart
INSTALL httpfs
