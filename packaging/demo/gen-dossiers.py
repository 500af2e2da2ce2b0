#!/usr/bin/env python3
"""Generates dossiers as motcua import JSON Lines (docs/api.md), with
Vietnamese names, real-sounding procedures and agencies, every status and
every channel. Deterministic for a given --seed and --now. Nothing is
received, finished or returned later than now: today's intake stops at
the current time (or at 16:00 of a --now given as a day).

  gen-dossiers.py --count 60 > demo.jsonl            (make run's demo data)
  gen-dossiers.py --count 1000000 --days 365 > big   (make bench)
  gen-dossiers.py --procedures > procedures.jsonl    (the catalogue)
"""
import argparse
import datetime as dt
import json
import random
import sys

TZ = dt.timezone(dt.timedelta(hours=7))
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
          "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu",
          "Hoài", "Xuân", "Kim", "Gia", "Bảo"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong",
         "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến",
         "Đạt", "Ánh", "Ngân", "Thủy"]
AGENCIES = [
    ("000.00.19.H49", "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh"),
    ("000.00.20.H49", "UBND thành phố Hạ Long"),
    ("000.21.20.H49", "UBND phường Hồng Gai"),
    ("000.00.22.H49", "UBND thành phố Cẩm Phả"),
    ("000.00.25.H49", "UBND thành phố Uông Bí"),
]
PROCEDURES = [
    ("1.001612.000.00.00.H49", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 3,
     ["Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao giấy tờ pháp lý của chủ hộ"], 100000),
    ("1.009994.000.00.00.H49", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Hoạt động xây dựng", 15,
     ["Đơn đề nghị cấp giấy phép xây dựng", "Giấy tờ chứng minh quyền sử dụng đất", "Bản vẽ thiết kế"], 75000),
    ("1.003003.000.00.00.H49", "Đăng ký khai sinh", "Hộ tịch", 1,
     ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"], 0),
    ("1.004227.000.00.00.H49", "Đăng ký biến động quyền sử dụng đất", "Đất đai", 10,
     ["Đơn đăng ký biến động", "Giấy chứng nhận quyền sử dụng đất"], 50000),
    ("2.000908.000.00.00.H49", "Chứng thực bản sao từ bản chính", "Chứng thực", 1,
     ["Bản chính giấy tờ"], 2000),
    ("1.010736.000.00.00.H49", "Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", 10,
     ["Tờ khai yêu cầu cấp phiếu lý lịch tư pháp", "Bản chụp CCCD"], 200000),
    ("1.001193.000.00.00.H49", "Đăng ký kết hôn", "Hộ tịch", 3,
     ["Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"], 0),
    ("2.002154.000.00.00.H49", "Cấp giấy phép kinh doanh bán lẻ rượu", "Lưu thông hàng hóa trong nước", 10,
     ["Đơn đề nghị", "Bản sao giấy chứng nhận đăng ký kinh doanh"], 1200000),
]
CHANNELS = ["in_person"] * 5 + ["online"] * 4 + ["postal"] * 2
# Weighted so that a small demo set still has every status 1..10.
STATUSES = [1, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9, 9, 10, 10, 10, 10]
RATINGS = ["very_satisfied", "very_satisfied", "satisfied", "satisfied", "unsatisfied", None, None]


def iso(t):
    return t.astimezone(TZ).strftime("%Y-%m-%dT%H:%M:%S+07:00")


def add_workdays(t, n):
    while n > 0:
        t += dt.timedelta(days=1)
        if t.weekday() < 5:
            n -= 1
    return t


def opening(t):
    """07:00 office time of t's day: the earliest intake of that day."""
    return t.replace(hour=7, minute=0, second=0, microsecond=0)


def parse_now(text):
    """--now: a day (at 16:00, as the demo always used) or a minute."""
    if not text:
        return dt.datetime.now(TZ).replace(microsecond=0)
    if "T" in text:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M").replace(tzinfo=TZ)
    return dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=TZ, hour=16)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--days", type=int, default=30, help="spread intake over this many past days")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--now", help="YYYY-MM-DD (that day at 16:00) or YYYY-MM-DDTHH:MM (office time; "
                                  "default: the current time)")
    ap.add_argument("--procedures", action="store_true", help="print the catalogue instead")
    a = ap.parse_args()
    out = sys.stdout
    if a.procedures:
        for code, name, field, days, docs, fee in PROCEDURES:
            out.write(json.dumps({"code": code, "name": name, "field": field, "days": days,
                                  "documents": docs, "fee": fee}, ensure_ascii=False) + "\n")
        return
    rnd = random.Random(a.seed)
    try:
        now = parse_now(a.now)
    except ValueError:
        ap.error("--now: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got %r" % a.now)
    counters = {}
    buf = []
    # Working days only, oldest first; and enough receiving units that no
    # unit passes 9000 dossiers a day (codes stop at 9999): a 10M run gets
    # commune one-stop counters beside the five named agencies.
    # A day counts once the office has opened (07:00) before now.
    workdays = [now - dt.timedelta(days=k) for k in range(a.days - 1, -1, -1)]
    workdays = [d for d in workdays if d.weekday() < 5 and opening(d) < now] or [now]
    agencies = list(AGENCIES)
    need = -(-a.count // (len(workdays) * 9000))
    for n in range(len(agencies), need):
        agencies.append(("000.%02d.%02d.H49" % (n % 100, 30 + n // 100),
                         "UBND xã số %d" % n))
    for i in range(a.count):
        agency, agency_name = agencies[i % len(agencies)]
        code_p, pname, field, days, _, _ = PROCEDURES[rnd.randrange(len(PROCEDURES))]
        # Upstream exports come in order of receipt: spread the count over
        # the days, oldest first, as an export file would list them.
        day = workdays[(i * len(workdays)) // a.count]
        received = day.replace(hour=7 + rnd.randrange(9), minute=rnd.randrange(60), second=0, microsecond=0)
        if received >= now:
            # today's intake so far: between opening and now (the demo once
            # received dossiers later in the day than the time it ran)
            span = int((now - opening(day)).total_seconds())
            received = now - dt.timedelta(seconds=1 + rnd.randrange(max(1, span)))
        key = (agency, received.date())
        counters[key] = counters.get(key, 0) + 1
        if counters[key] > 9999:
            continue
        code = "%s-%s-%04d" % (agency, received.strftime("%y%m%d"), counters[key])
        status = STATUSES[i % len(STATUSES)] if i < len(STATUSES) else rnd.choice(STATUSES)
        due = add_workdays(received, days).replace(hour=17, minute=0)
        rec = {"code": code, "procedure_code": code_p, "procedure_name": pname, "field": field,
               "agency_code": agency, "agency_name": agency_name,
               "applicant_name": "%s %s %s" % (rnd.choice(FAMILY), rnd.choice(MIDDLE), rnd.choice(GIVEN)),
               "applicant_id_no": "0%02d%09d" % (rnd.randrange(1, 97), rnd.randrange(10**9)),
               "phone": "09%08d" % rnd.randrange(10**8),
               "channel": rnd.choice(CHANNELS), "delivery": "post" if rnd.random() < 0.15 else "counter",
               "received_at": iso(received), "due_at": iso(due), "status": status,
               "statutory_days": days}
        if status in (9, 10, 3, 7, 8):
            fin = received + dt.timedelta(hours=rnd.randrange(4, 24 * (days + 3)))
            rec["finished_at"] = iso(min(fin, now))
        if status == 10:
            rec["returned_at"] = rec["finished_at"]
            r = rnd.choice(RATINGS)
            if r:
                rec["rating"] = r
        if status == 5 or (status in (9, 10) and rnd.random() < 0.1):
            req = received + dt.timedelta(hours=20)
            s = {"requested_at": iso(min(req, now))}
            if status != 5:
                s["completed_at"] = iso(min(req + dt.timedelta(hours=30), now))
            rec["supplements"] = [s]
        if status == 1:  # "submitted, not yet accepted" only happens online
            rec["channel"] = "online"
        buf.append(json.dumps(rec, ensure_ascii=False))
        if len(buf) >= 10000:
            out.write("\n".join(buf) + "\n")
            buf.clear()
    if buf:
        out.write("\n".join(buf) + "\n")


if __name__ == "__main__":
    main()
