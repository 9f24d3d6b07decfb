"""Value generators for the holdout PII corpus (`cdp.synth.holdout`).

Written independently of the first corpus: own name, place and road lists, own formats.
Positives are valid for their type; the `neg_*` helpers make look-alikes that are not PII.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import phonenumbers

from masking.formats import CN_MOBILE_RE, cn_id_check_char, luhn_check_digit, uscc_check_char

SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
)
COMPOUND: tuple[str, ...] = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "慕容",
    "尉迟",
    "公孙",
    "长孙",
    "宇文",
)
COMPOUND += ("夏侯", "端木", "皇甫", "令狐", "澹台", "百里", "呼延", "司空", "闻人", "独孤")
GIVEN = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍建国红梅辉鹏飞宇浩然子轩梓涵欣怡"
    "嘉怡思远晨曦雨桐一诺俊杰博文皓轩紫萱佳琪志强秀珍凤琴海燕春生德胜立新宏亮晓东婷婷雪梅"
    "文静昊天沐阳若溪锦程嘉懿语嫣书瑶宸睿瑾瑜彦霖"
)
EN_FIRST: tuple[str, ...] = (
    "James",
    "Olivia",
    "Michael",
    "Sophie",
    "Daniel",
    "Grace",
    "Kevin",
    "Hannah",
)
EN_FIRST += ("Peter", "Rachel", "Thomas", "Emily", "David", "Chloe", "Ryan", "Laura", "Ethan")
EN_LAST: tuple[str, ...] = (
    "Thompson",
    "Nguyen",
    "Fischer",
    "Walker",
    "Chan",
    "Wong",
    "Lee",
    "Tan",
    "Müller",
)
EN_LAST += ("O'Brien", "Martin", "Kowalski", "Lim", "Harris", "Bennett", "Cheung", "Ng", "Clarke")

# province, city, area code, districts (county-level cities included); municipalities: city = "".
PLACES = (
    ("浙江省", "杭州市", "0571", "西湖区 拱墅区 滨江区 余杭区 临平区"),
    ("浙江省", "金华市", "0579", "婺城区 义乌市 东阳市"),
    ("广东省", "深圳市", "0755", "南山区 福田区 龙岗区 宝安区"),
    ("广东省", "佛山市", "0757", "禅城区 南海区 顺德区"),
    ("江苏省", "南京市", "025", "鼓楼区 建邺区 江宁区 栖霞区"),
    ("江苏省", "苏州市", "0512", "姑苏区 吴中区 相城区 昆山市"),
    ("四川省", "成都市", "028", "武侯区 锦江区 青羊区 金牛区 双流区"),
    ("湖北省", "武汉市", "027", "洪山区 江汉区 武昌区 硚口区"),
    ("山东省", "青岛市", "0532", "市南区 崂山区 黄岛区 李沧区"),
    ("福建省", "厦门市", "0592", "思明区 湖里区 集美区"),
    ("河南省", "郑州市", "0371", "金水区 中原区 二七区 管城回族区"),
    ("湖南省", "长沙市", "0731", "岳麓区 芙蓉区 雨花区 开福区"),
    ("陕西省", "西安市", "029", "雁塔区 碑林区 未央区 长安区"),
    ("辽宁省", "大连市", "0411", "中山区 沙河口区 甘井子区"),
    ("安徽省", "合肥市", "0551", "蜀山区 包河区 庐阳区"),
    ("云南省", "昆明市", "0871", "五华区 盘龙区 官渡区"),
    ("广西壮族自治区", "南宁市", "0771", "青秀区 兴宁区 西乡塘区"),
    ("内蒙古自治区", "呼和浩特市", "0471", "新城区 赛罕区 回民区"),
    ("黑龙江省", "哈尔滨市", "0451", "南岗区 道里区 香坊区"),
    ("江西省", "南昌市", "0791", "东湖区 红谷滩区 青山湖区"),
    ("贵州省", "贵阳市", "0851", "观山湖区 云岩区 南明区"),
    ("北京市", "", "010", "朝阳区 海淀区 丰台区 通州区 昌平区"),
    ("上海市", "", "021", "浦东新区 徐汇区 静安区 闵行区 杨浦区"),
    ("天津市", "", "022", "河西区 南开区 滨海新区"),
    ("重庆市", "", "023", "渝中区 江北区 沙坪坝区 渝北区"),
)
ID_AREAS: tuple[str, ...] = (
    "330106",
    "330782",
    "440305",
    "440606",
    "320106",
    "320583",
    "510107",
    "420111",
)
ID_AREAS += ("370202", "350203", "410105", "430104", "610113", "210202", "340104", "530102")
ID_AREAS += ("450103", "150105", "230103", "360102", "520115", "110105", "310104", "500103")
ROAD_HEADS: tuple[str, ...] = (
    "文化",
    "人民",
    "建设",
    "解放",
    "中山",
    "新华",
    "和平",
    "长江",
    "学院",
    "科技",
)
ROAD_HEADS += ("创业", "望江", "滨河", "青年", "幸福", "光明", "东风", "红旗", "翠柏", "凤凰")
ROAD_HEADS += ("金桥", "银杏", "丹桂", "枫林", "春晖", "江滨", "振兴", "育才", "天目山", "莲花")
ROAD_TAILS = ("路", "路", "路", "街", "大道", "巷", "东路", "西路", "南路", "北路", "中路")
ESTATES: tuple[str, ...] = (
    "阳光花园",
    "锦绣家园",
    "翠苑小区",
    "金色港湾",
    "御景华庭",
    "星河湾",
    "枫丹苑",
)
ESTATES += ("和谐新村", "滨江公寓", "紫荆园", "书香名邸", "龙湖天街公寓", "悦澜府")
TOWNS = ("城关镇", "新塘镇", "白沙镇", "五里街道", "青山街道", "桥头镇")
VILLAGES = ("前进村", "光明村", "东升村", "下沙村", "杨柳村", "石桥村")
CN_NUM = "一二三四五六七八九"
PROVINCE_SHORT = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DEBIT_BINS = ("621661", "622700", "621799", "622260", "621485", "622848", "623058", "621226")
CREDIT_BINS = ("625965", "622580", "628362", "625802", "622689", "625336")
MAIL_DOMAINS: tuple[str, ...] = (
    "qq.com",
    "163.com",
    "126.com",
    "gmail.com",
    "outlook.com",
    "foxmail.com",
)
MAIL_DOMAINS += ("sina.com", "hotmail.com", "yahoo.com.hk", "icloud.com", "example.co.uk")
PINYIN: tuple[str, ...] = (
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
    "yang",
    "zhao",
    "wu",
    "zhou",
    "xu",
    "sun",
)
PINYIN += ("ma", "zhu", "hu", "lin", "guo", "he", "gao", "luo", "zheng", "xiaoyu", "tingting")
_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def cn_name(rng: random.Random) -> str:
    """A Chinese name from the own lists: 1-2 char surname, 1-2 char given name."""
    surname = rng.choice(COMPOUND) if rng.random() < 0.12 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return surname + given


def en_name(rng: random.Random) -> str:
    """An English full name (first and last)."""
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def _width(rng: random.Random, text: str, share: float) -> str:
    """Turns ASCII digits full-width now and then."""
    if rng.random() >= share:
        return text
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def mobile_digits(rng: random.Random) -> str:
    """An 11-digit mainland mobile on an allocated prefix."""
    while True:
        number = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        if CN_MOBILE_RE.fullmatch(number):
            return number


def mobile(rng: random.Random) -> str:
    """A mobile as written: glued, 3-4-4 with spaces or hyphens, +86 / 0086 prefixes."""
    d = mobile_digits(rng)
    sep = rng.choice(("", "", "", " ", "-"))
    text = f"{d[:3]}{sep}{d[3:7]}{sep}{d[7:]}" if sep else d
    prefix = rng.choices(("", "+86 ", "+86", "0086 ", "+86-", "0086-"), (70, 10, 6, 6, 4, 4))[0]
    return _width(rng, prefix + text, 0.05)


def landline(rng: random.Random) -> str:
    """A fixed-line number with its area code: hyphen, brackets, glued; sometimes an extension."""
    _, _, area, _ = rng.choice(PLACES)
    while True:  # 8-digit local numbers in most cities, 7 in some (libphonenumber decides)
        length = rng.choice((7, 8))
        local = f"{rng.randrange(2, 9)}{rng.randrange(10 ** (length - 1)):0{length - 1}d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(area + local, "CN")):
            break
    style = rng.choice(("{a}-{n}", "({a}){n}", "（{a}）{n}", "{a} {n}", "{a}{n}", "{a}-{n}"))
    text = style.format(a=area, n=local)
    if rng.random() < 0.08:
        text += rng.choice(("-", "转")) + str(rng.randrange(100, 9000))
    return text


def resident_id(rng: random.Random) -> str:
    """An 18-character resident ID with a real birth date and check character."""
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 56))
    first17 = f"{rng.choice(ID_AREAS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    text = first17 + cn_id_check_char(first17)
    return text.replace("X", "x") if text.endswith("X") and rng.random() < 0.3 else text


def legacy_id(rng: random.Random) -> str:
    """A 15-digit first-generation ID (YYMMDD birth date, no check digit)."""
    birth = date(1935, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    return f"{rng.choice(ID_AREAS)}{birth:%y%m%d}{rng.randrange(1000):03d}"


def card_digits(rng: random.Random) -> str:
    """A Luhn-valid UnionPay number, 16 to 19 digits."""
    length = rng.choices((16, 17, 18, 19), (35, 3, 7, 55))[0]
    bin_ = rng.choice(CREDIT_BINS if length == 16 else DEBIT_BINS)
    body = bin_ + "".join(str(rng.randrange(10)) for _ in range(length - 7))
    return body + luhn_check_digit(body)


def bank_card(rng: random.Random) -> str:
    """A card as written: glued or grouped by four with spaces or hyphens."""
    d = card_digits(rng)
    sep = rng.choices(("", " ", "-"), (60, 32, 8))[0]
    return sep.join(d[i : i + 4] for i in range(0, len(d), 4)) if sep else d


def uscc(rng: random.Random) -> str:
    """A unified social credit code (companies 91, sole traders 92, others) with both checks."""
    head = rng.choices(("91", "92", "93", "52", "12", "Y1"), (55, 25, 5, 6, 6, 3))[0]
    org8 = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    total = sum(int(c, 36) * w for c, w in zip(org8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    inner = 11 - total % 11
    org9 = org8 + ("X" if inner == 10 else "0" if inner == 11 else str(inner))
    if set(org9) & set("ISOVZ"):
        return uscc(rng)
    first17 = head + rng.choice(ID_AREAS) + org9
    return first17 + uscc_check_char(first17)


def email(rng: random.Random) -> str:
    """A personal e-mail address."""
    local = rng.choice(PINYIN) + rng.choice(("", ".", "_")) + rng.choice(PINYIN)
    if rng.random() < 0.6:
        local += str(rng.randrange(1, 2000))
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def ip_address(rng: random.Random) -> str:
    """An IPv4 address (public-looking or private)."""
    first = rng.choice((36, 58, 112, 114, 183, 192, 10, 172, 221))
    return ".".join(map(str, (first, *(rng.randrange(256) for _ in range(3)))))


def plate(rng: random.Random) -> str:
    """A licence plate: ordinary (7) or new-energy (8)."""
    head = rng.choice(PROVINCE_SHORT) + rng.choice(PLATE_LETTERS.replace("I", ""))
    alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    if rng.random() < 0.3:
        return head + rng.choice("DF") + rng.choice(alnum) + f"{rng.randrange(10000):04d}"
    tail = "".join(rng.choice(alnum) for _ in range(4))
    return head + rng.choice("0123456789") + tail


def passport(rng: random.Random, permit: bool = False) -> str:
    """A passport (E, EA, G, K) or, with `permit`, a Hong Kong/Macao travel permit (C) number."""
    kind = "C" if permit else rng.choices(("E", "EL", "G", "K"), (55, 20, 15, 10))[0]
    if kind == "EL":
        return "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + f"{rng.randrange(10**7):07d}"
    return kind + f"{rng.randrange(10**8):08d}"


def address(rng: random.Random) -> str:
    """An address from its first administrative division down to the last unit written."""
    province, city, _, districts = rng.choice(PLACES)
    district = rng.choice(districts.split())
    depth = rng.choices(("full", "city", "district", "short"), (40, 30, 20, 10))[0]
    if depth == "full":
        head = province + city + district
    elif depth == "city":
        head = (city or province) + district
    elif depth == "short":  # colloquial: the province without 省
        head = province.removesuffix("省") + city.removesuffix("市") + district
    else:
        head = district
    if rng.random() < 0.15:
        num = f"{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号"
        return head + rng.choice(TOWNS) + rng.choice(VILLAGES) + num
    road = rng.choice(ROAD_HEADS) + rng.choice(ROAD_TAILS)
    number = rng.choice(
        (str(rng.randrange(1, 999)), f"{rng.randrange(1, 300)}-{rng.randrange(1, 9)}")
    )
    if rng.random() < 0.06:
        number = rng.choice(CN_NUM) + "十" + rng.choice(CN_NUM)
    text = head + road + number + "号"
    tail = rng.random()
    if tail < 0.35:
        text += rng.choice(ESTATES) + f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元"
        text += f"{rng.randrange(1, 33)}0{rng.randrange(1, 5)}室"
    elif tail < 0.55:
        text += f"{rng.randrange(1, 20)}号楼{rng.randrange(1, 28)}0{rng.randrange(1, 8)}"
    elif tail < 0.65:
        text += f"{rng.choice('ABCD')}座{rng.randrange(5, 40)}{rng.randrange(1, 20):02d}室"
    elif tail < 0.75:
        text += rng.choice(ESTATES)
    return text
