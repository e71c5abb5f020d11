"""What the demo's customers talk about: themes with Thai, English and mixed phrasings.

Each theme has clause pools per language; a message joins an opener, one or two theme clauses and a
closer, with slots filled at random, so no two customers write quite the same thing. Sentiment and the
rating a reviewer gives follow the theme's tone.
"""

from __future__ import annotations

# tone: the share of (positive, neutral, negative) messages; rating: mean stars given
THEMES: dict[str, dict] = {
    "login_otp": {  # planted: grows sharply in the last two weeks
        "tone": (0.02, 0.13, 0.85), "rating": 1.6,
        "th": ["เข้าแอปไม่ได้เลย OTP ไม่เข้า", "ล็อกอินไม่ได้ รหัส OTP ไม่ส่งมา", "ขอ OTP ใหม่กี่รอบก็ไม่มา",
               "แอปเด้งออกตอนยืนยัน OTP", "รอ SMS OTP นานมากจนหมดเวลา", "อัปเดตแอปแล้วล็อกอินไม่ผ่าน"],
        "en": ["can't log in, the OTP never arrives", "OTP code not received after the update",
               "login fails at the OTP step every time", "requested the OTP {n} times, nothing came",
               "the app logs me out when I enter the OTP"],
        "mix": ["login ไม่ได้ OTP ไม่เข้าเลย", "กด request OTP แล้วไม่มี SMS มา", "update app แล้ว login ไม่ผ่าน OTP",
                "OTP หมดเวลาก่อน SMS จะมาถึง"],
    },
    "fiber_install": {  # quiet, steady
        "tone": (0.35, 0.35, 0.30), "rating": 3.3,
        "th": ["ช่างมาติดตั้งเน็ตบ้านตรงเวลา", "นัดติดตั้งไฟเบอร์เลื่อนไป {n} วัน", "ติดตั้งเน็ตบ้านเรียบร้อยดี",
               "ช่างเดินสายไฟเบอร์เรียบร้อยมาก", "รอช่างติดตั้งเน็ตบ้านนานเกินไป"],
        "en": ["the fiber technician arrived on time", "fiber installation was rescheduled {n} times",
               "home internet installation went smoothly", "still waiting for the fiber installation"],
        "mix": ["ช่างติดตั้ง fiber มาตรงเวลา", "นัด install fiber เลื่อนอีกแล้ว", "router ที่ช่างติดให้ใช้ดี"],
    },
    "billing": {  # quiet, steady
        "tone": (0.10, 0.45, 0.45), "rating": 2.6,
        "th": ["บิลเดือนนี้แพงกว่าปกติ {amount} บาท", "โดนเก็บค่าบริการเสริมที่ไม่ได้สมัคร", "อยากทราบยอดค่าบริการรอบบิลนี้",
               "จ่ายบิลผ่านแอปสะดวกดี", "ขอใบเสร็จค่าบริการย้อนหลัง"],
        "en": ["my bill is {amount} baht higher than usual", "charged for a service I never subscribed to",
               "how do I get last month's invoice", "paying the bill in the app is easy"],
        "mix": ["bill เดือนนี้เกินมา {amount} บาท", "โดน charge ค่า service ที่ไม่ได้สมัคร", "ขอ invoice ย้อนหลังได้ไหม"],
    },
    "network_speed": {
        "tone": (0.20, 0.25, 0.55), "rating": 2.5,
        "th": ["เน็ตช้ามากช่วงหัวค่ำ", "สัญญาณ 4G หลุดบ่อยที่คอนโด", "เน็ตแรงดีในเมือง", "โหลดวิดีโอกระตุกตลอด"],
        "en": ["internet is very slow in the evening", "4G signal keeps dropping at my condo",
               "speed is great downtown", "videos keep buffering"],
        "mix": ["เน็ต slow มากตอนกลางคืน", "signal 4G หลุดบ่อย", "speed test ได้แค่ {n} Mbps"],
    },
    "staff_service": {
        "tone": (0.65, 0.20, 0.15), "rating": 4.3,
        "th": ["พนักงานที่สาขา{branch}บริการดีมาก", "คอลเซ็นเตอร์ช่วยแก้ปัญหาได้เร็ว", "พนักงานสุภาพ อธิบายชัดเจน",
               "รอสายคอลเซ็นเตอร์นานเกินไป"],
        "en": ["the staff at the {branch} branch were very helpful", "call center solved my issue quickly",
               "the agent was polite and clear", "waited too long on the hotline"],
        "mix": ["staff สาขา{branch} service ดีมาก", "call center ช่วยได้เร็ว", "พนักงาน polite มาก"],
    },
    "launch_5g_pro": {  # planted: a product launch from week 5 on
        "tone": (0.55, 0.30, 0.15), "rating": 4.0,
        "th": ["สมัครแพ็กเกจ 5G Pro แล้วเน็ตแรงมาก", "แพ็กเกจ 5G Pro ราคาเท่าไหร่", "ย้ายมาใช้ 5G Pro คุ้มมาก",
               "5G Pro ใช้ได้ทุกพื้นที่ไหม"],
        "en": ["signed up for 5G Pro and it is really fast", "how much is the 5G Pro plan",
               "switched to 5G Pro, worth every baht", "does 5G Pro work outside Bangkok"],
        "mix": ["สมัคร 5G Pro แล้ว speed ดีมาก", "5G Pro plan คุ้มค่ามาก", "อยากรู้ว่า 5G Pro มี promotion ไหม"],
    },
    "rainy_outage": {  # planted: seasonal, a bump in the middle weeks
        "tone": (0.05, 0.20, 0.75), "rating": 2.0,
        "th": ["ฝนตกทีไรเน็ตบ้านล่มทุกที", "พายุเข้าแล้วสัญญาณหายทั้งหมู่บ้าน", "น้ำท่วมแล้วเน็ตใช้ไม่ได้ {n} วัน"],
        "en": ["every time it rains my home internet goes down", "the storm knocked out the signal in my area",
               "no internet for {n} days after the flood"],
        "mix": ["ฝนตกแล้ว internet ล่มอีกแล้ว", "พายุเข้า signal หายหมด"],
    },
    "roaming": {  # quiet, small
        "tone": (0.30, 0.50, 0.20), "rating": 3.4,
        "th": ["จะไปญี่ปุ่นต้องสมัครโรมมิ่งยังไง", "แพ็กโรมมิ่งใช้ที่เกาหลีได้ดี", "ค่าโรมมิ่งแพงเกินไป"],
        "en": ["how do I activate roaming for Japan", "the roaming pack worked well in Korea",
               "roaming charges are too expensive"],
        "mix": ["สมัคร roaming ไป Japan ยังไง", "roaming pack ใช้ที่ Korea ดีมาก"],
    },
}

OPENERS = {
    "th": ["", "", "สวัสดีค่ะ ", "สอบถามหน่อยครับ ", "แจ้งปัญหาค่ะ ", "แอดมินคะ ", "ขอบ่นหน่อย ", "รีวิวจากใจ "],
    "en": ["", "", "Hi, ", "Hello team, ", "Quick question: ", "Honestly, ", "FYI ", "Not happy: "],
    "mix": ["", "", "Hi admin ", "สวัสดีครับ ", "แจ้ง issue ค่ะ ", "ขอถามหน่อย "],
}
CLOSERS = {
    "positive": {"th": ["", " ขอบคุณมากค่ะ", " ประทับใจมาก 👍", " ดีมากกกก", " 555 ชอบเลย", " ❤️"],
                 "en": ["", " thanks!", " love it 👍", " great job", " :)", " 10/10"],
                 "mix": ["", " thank you ค่ะ", " ดีมาก 👍", " love เลย"]},
    "neutral": {"th": ["", " ช่วยตอบด้วยนะคะ", " รบกวนด้วยครับ", " ขอบคุณค่ะ", "?"],
                "en": ["", " please advise", " thanks", "?", " any update?"],
                "mix": ["", " please ตอบด้วยนะคะ", " รบกวนด้วยครับ", "?"]},
    "negative": {"th": ["", " แย่มาก", " ผิดหวังจริงๆ 😡", " ช่วยแก้ด่วนเลย", " จะย้ายค่ายแล้วนะ", " เสียเวลามาก"],
                 "en": ["", " terrible", " so disappointed 😡", " fix this asap", " thinking of switching",
                        " waste of time"],
                 "mix": ["", " แย่มาก so bad", " fix ด่วนเลย", " ผิดหวังมาก 😡"]},
}
BRANCHES = ["สยาม", "บางนา", "เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "Siam", "Bangna"]
PRODUCTS = ["NJ App", "NJ Fiber", "NJ Max", "5G Pro"]
THEME_PRODUCT = {"login_otp": "NJ App", "fiber_install": "NJ Fiber", "billing": "NJ Max", "network_speed": "NJ Max",
                 "staff_service": "NJ Max", "launch_5g_pro": "5G Pro", "rainy_outage": "NJ Fiber", "roaming": "NJ Max"}

AGENT_LINES = {
    "th": ["สวัสดีค่ะ ยินดีให้บริการค่ะ", "รบกวนขอเบอร์ที่ลงทะเบียนไว้ด้วยค่ะ", "ขออภัยในความไม่สะดวกค่ะ",
           "เจ้าหน้าที่จะตรวจสอบให้ภายใน 24 ชั่วโมงค่ะ", "มีอะไรให้ช่วยเพิ่มเติมไหมคะ"],
    "en": ["Hello, how can I help you today?", "Could you share your registered number?",
           "Sorry for the inconvenience.", "I have raised a ticket for our technical team.",
           "Is there anything else I can help with?"],
}
NOTE_TEMPLATES = {
    "th": ["ลูกค้าแจ้งว่า{issue} แนะนำให้{action}", "ลูกค้าโทรมาเรื่อง{issue} ได้{action}แล้ว"],
    "en": ["Customer reports {issue}. Advised to {action}.", "Caller says {issue}; {action}."],
}
NOTE_ACTIONS = {
    "th": ["ลองรีสตาร์ตเครื่อง", "ส่งเรื่องให้ทีมเทคนิค", "ตรวจสอบบิลย้อนหลัง", "นัดช่างเข้าไปดู"],
    "en": ["restart the device", "escalate to the technical team", "review the past invoices",
           "book a technician visit"],
}

# personal details customers add; with the numbers in them they keep two messages from being copies
CONTEXTS = {
    "th": ["เมื่อวานตอน {h} โมง", "ตั้งแต่วันที่ {d}", "เป็นลูกค้ามา {y} ปีแล้ว", "ที่บ้านแถว{area}", "รอบที่ {n} แล้ว",
           "ลองมา {n} ครั้ง", "ใช้เครื่อง {phone}", "ตอนอยู่ที่{area}", "เมื่อ {n} วันก่อน", "ทั้งที่จ่ายเดือนละ {amount} บาท"],
    "en": ["since the {d}th", "around {h} pm yesterday", "customer for {y} years", "at my place in {area_en}",
           "tried {n} times", "on my {phone}", "{n} days ago", "and I pay {amount} baht a month"],
    "mix": ["ตั้งแต่ {h} pm", "ใช้ {phone} อยู่", "ลองไป {n} รอบแล้ว", "เป็น member มา {y} ปี", "ที่ condo แถว{area}"],
}
AREAS = ["ลาดพร้าว", "บางนา", "รังสิต", "นนทบุรี", "สีลม", "อารีย์", "บางกะปิ", "หาดใหญ่", "ขอนแก่น", "เชียงใหม่"]
AREAS_EN = ["Lat Phrao", "Bang Na", "Rangsit", "Nonthaburi", "Silom", "Ari", "Hat Yai", "Khon Kaen", "Chiang Mai"]
PHONES = ["iPhone 15", "iPhone 13", "Galaxy S24", "Galaxy A55", "Redmi Note 13", "OPPO Reno 11", "vivo V30", "Pixel 8"]
