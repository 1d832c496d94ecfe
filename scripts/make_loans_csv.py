#!/usr/bin/env python3
"""Writes a valid EAST-style loan dataset (genesis/local/templates/east-loans.json) of about
SIZE_MB megabytes: unique loan ids, the sample's columns, a mix of products and secured loans.
Used by `make demo` (a few MB) and for the 1 GB upload (DEMO_DATASET_MB=1024 make demo).

usage: make_loans_csv.py SIZE_MB OUT.csv
"""
import sys

HEADER = ("loan_id,customer_id,branch_code,product,currency,start_date,maturity_date,balance,"
          "interest_rate,classification,secured,collateral_type,overdue_days\n")
PRODUCTS = ["CORPORATE", "SME", "MORTGAGE", "CONSUMER"]


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    target = int(float(sys.argv[1]) * 1_000_000)
    written = 0
    with open(sys.argv[2], "w", encoding="ascii", newline="") as out:
        out.write(HEADER)
        written += len(HEADER)
        i = 0
        batch = []
        while written < target:
            i += 1
            secured = i % 3 == 0
            row = (f"L{i:010d},C{1000 + i % 900000:010d},{110000 + i % 500},"
                   f"{PRODUCTS[i % 4]},CNY,2024-{1 + i % 12:02d}-15,2029-{1 + i % 12:02d}-15,"
                   f"{10000 + i % 9000000}.{i % 100:02d},0.{35 + i % 50:03d}000,NORMAL,"
                   f"{'Y,REAL_ESTATE' if secured else 'N,'},0\n")
            batch.append(row)
            written += len(row)
            if len(batch) == 10000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    print(f"{sys.argv[2]}: {written} bytes, {i} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
