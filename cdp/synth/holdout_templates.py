"""Templates and hard negatives of the holdout PII corpus (`cdp.synth.holdout`).

A template is one line of text with `{slot}` markers; `cdp.synth.holdout` fills labelled slots
with valid values and negative slots (`n_*` and the plain-text ones) with look-alikes.
Each kind is (openers, body sentences, closers, joiner choices).
"""

from __future__ import annotations

import random

from cdp.synth import holdout_values as v
from masking.formats import cn_id_check_char, luhn_ok

Kind = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]

WECHAT: Kind = (
    (
        "【企业微信】{date} {staff}：{name}您好，我是您的专属客户经理，工号{staffno}",
        "[微信聊天记录 {date}] 客户经理{staff}:{name}姐早上好～",
        "{time} {staff}(理财经理)：您好{hon}，打扰一下",
    ),
    (
        "客户：我手机换了 新号{mob}，以后打这个",
        "客户:卡号是{card}没错吧？我看一下哈",
        "客户：身份证{id}，你们系统里是不是登记错了",
        "客户：发你邮箱吧 {email}",
        "客户：我老公{other}的也要改，他电话{mob}",
        "{staff}：好的收到，{product}这款到期日是{date}，收益大概{amount}",
        "{staff}:请问您现在住址还是{addr}吗？",
        "客户：搬家了，现在住{addr}",
        "客户：{mob}/{id}，这是我的，你看看对不对",
        "客户：我在{branch}办的，那个大堂经理{hon}人挺好",
        "{staff}：{name}您的卡尾号{n_tail}那张已经激活了",
        "客户：订单{order}一直没退款啊",
        "客户：哦哦好的，我明天{time}过来",
        "客户：转账给{other}了，他卡{card}，到了没",
    ),
    ("{staff}：好的，有问题随时联系我{mob}", "客户：[OK]谢谢", "客户：嗯嗯拜拜", "{staff}：[微笑]"),
    (" ｜ ", " | ", "  ", "；", " / "),
)
VISIT: Kind = (
    (
        "网点登记：{date}{time}，客户{name}到{branch}办理业务",
        "【网点来访登记】姓名：{name} 证件号码：{id} 联系电话：{mob}",
        "{branch} 柜面登记 {date}：{name}（{mob}）",
        "来访人 {name}、{id}、{mob}",
    ),
    (
        "证件类型身份证，号码 {id}",
        "客户持一代身份证，证件号{id15}，已提示换领",
        "客户留存地址：{addr}",
        "家住{addr}，单位电话{tel}",
        "代办人{other}，身份证号码{id}，与客户系夫妻关系",
        "办理业务：借记卡挂失补办，原卡号{card}",
        "新卡{card}已领取，客户本人签收",
        "柜员{staff}（工号{staffno}）经办，授权主管{staff}",
        "客户称{other}的电话{mob}也要留档",
        "车辆抵押登记，车牌号{plate}",
        "客户出示护照，护照号{pp}",
        "客户出示往来港澳通行证，证件号码{permit}",
        "排队号{queue}，等候{minutes}分钟",
        "客户咨询{product}，未购买",
        "客户所在单位{company}，统一社会信用代码{uscc}",
    ),
    ("。", "，客户已签字确认。", "。备注人：{staff}"),
    ("；", "。", "，", "; "),
)
COMPLAINT: Kind = (
    (
        "【转办】12378热线转来投诉，工单号{order}：投诉人{name}，联系方式{mob}",
        "监管转办件（编号{contract}）：消费者{name}反映",
        "{date}收到银保监局转办投诉，投诉人：{name}，身份证号：{id}",
    ),
    (
        "投诉人称其名下银行卡{card}于{date}{time}被扣款{amount}，本人未授权",
        "投诉人反映我行员工{staff}多次拨打其电话{mob}进行营销",
        "投诉人要求将其身份证件号码{id}从营销名单中删除",
        "投诉人家属{other}（联系电话{mob}）代为反映",
        "投诉人通讯地址：{addr}",
        "经核实，涉及产品为{product}，购买金额{amount}",
        "投诉人同时提供电子邮箱{email}用于接收回复",
        "请于{date}前将处理结果反馈至{hotline}",
        "涉事网点为{branch}，负责人{hon}",
        "投诉人所在企业{company}（统一社会信用代码{uscc}）贷款审批异常",
        "投诉人称{brand}门店刷卡后出现异常交易",
    ),
    ("，请依法依规处理并按期回复。", "。特此转办。", "。"),
    ("。", "；", "，"),
)
COLLECTION: Kind = (
    (
        "催收通话小结 {date}：借款人{name}，合同号{contract}，逾期{days}天",
        "{time} 外呼{mob}，本人{name}接听",
        "逾期提醒 借据号{loan} 客户{name} 欠款{amount}",
    ),
    (
        "客户称已还款至卡号{card}，要求核实",
        "客户表示下周{date}前还清，紧急联系人{other} {mob}",
        "本人电话{mob}无人接听，改拨单位座机{tel}",
        "联系紧急联系人{other}，对方称不认识借款人",
        "客户现住址{addr}，拟上门",
        "客户情绪激动，称要向{hotline}投诉",
        "已发送短信至{mob}，提醒还款{amount}",
        "车辆{plate}为抵押物，状态正常",
        "已告知客户还款账户为{n_card}（对公内部账户）",
        "客户要求以后只联系{mob}，勿打家里",
    ),
    ("。坐席{staff}。", "。", "，已记录。"),
    ("，", "；", "。"),
)
LOAN: Kind = (
    (
        "贷款申请备注：申请人{name}，身份证{id}，申请金额{amount}",
        "经营贷申请 {date} 申请人{name} 手机{mob}",
        "房贷面签记录：主借人{name}、共同借款人{other}",
    ),
    (
        "经营主体{company}，统一社会信用代码：{uscc}",
        "个体工商户营业执照号{uscc}，经营者{name}",
        "抵押房产坐落于{addr}",
        "收入证明由单位出具，单位电话{tel}",
        "放款账户{card}，还款账户同",
        "共同借款人身份证号{id}，手机{mob}",
        "客户经理{staff}，工号{staffno}，推荐产品{product}",
        "合同编号{contract}，借据号{loan}",
        "申请人邮箱 {email}",
        "配偶{other}，证件号{id}/{mob}",
    ),
    ("。", "，资料齐全，提交审批。", "。经办：{staff}"),
    ("；", "，", "。"),
)
KYC: Kind = (
    (
        "KYC复核 {date}：客户{name}",
        "尽职调查备注：{name}（客户号{custno}）",
        "反洗钱复核：可疑交易涉及{name}",
    ),
    (
        "证件{id}有效期至{date}",
        "登录IP {ip}，设备与常用设备不一致",
        "客户近30日向{other}转账{amount}共{count}笔，对方卡号{card}",
        "客户职业：{company}职员，常住{addr}",
        "客户持外籍护照，护照号码：{pp}，英文名{ename}",
        "联系方式 {mob}、{tel}",
        "邮箱{email}已验证",
        "客户曾用手机{mob}，已于{date}销号",
        "受益所有人{other}，身份证{id}",
        "发票抬头{company}，税号{uscc}",
        "交易地点{place}，与常住地不符",
    ),
    ("。复核人：{staff}", "。风险等级维持不变。", "。"),
    ("；", "。", "，"),
)
EMAIL_EN: Kind = (
    (
        "Dear Sir/Madam, my name is {ename} and I hold an account with your {place_en} branch.",
        "Hi, this is {ename} writing from Singapore.",
        "To whom it may concern: I, {ename}, would like to report a problem.",
    ),
    (
        "My card number is {card} and it was blocked on {date_en}.",
        "Please call me on {mob} or e-mail {email}.",
        "My passport number is {pp}.",
        "I logged in from {ip} and got error {errcode}.",
        "My mother {name} also banks with you, her mobile is {mob}.",
        "Please send the statement to {addr} (my parents' flat).",
        "The transfer of {amount_en} to {ename2} has not arrived.",
        "Reference {order}; I called {hotline} twice already.",
        "Your colleague {staff} told me to write here.",
    ),
    ("Best regards, {ename}", "Thanks, {ename} ({email})", "Kind regards."),
    (" ", " ", "  "),
)
BILINGUAL: Kind = (
    (
        "Remark 备注: client {name} / {ename}",
        "[RM note] {date} 客户{name} called",
        "Customer 客户 {name}, mobile 手机 {mob}",
    ),
    (
        "ID 身份证 {id}",
        "card 卡号:{card}",
        "address 地址: {addr}",
        "email: {email}",
        "tel {tel}",
        "passport 护照 {pp}",
        "car plate 车牌 {plate}",
        "login IP {ip}",
        "wants to buy {product}, amount {amount_en}",
        "referred by {other}",
        "company 公司 {company}, USCC {uscc}",
        "follow-up by {staff} on {date_en}",
    ),
    (".", "。", " - done"),
    ("; ", ", ", "，", " | "),
)
KINDS: dict[str, tuple[Kind, int]] = {
    "wechat": (WECHAT, 20),
    "visit": (VISIT, 16),
    "complaint": (COMPLAINT, 14),
    "collection": (COLLECTION, 12),
    "loan": (LOAN, 12),
    "kyc": (KYC, 10),
    "email_en": (EMAIL_EN, 8),
    "bilingual": (BILINGUAL, 8),
}

BRANDS: tuple[str, ...] = (
    "李宁",
    "王老吉",
    "周黑鸭",
    "张小泉",
    "杨国福麻辣烫",
    "老凤祥",
    "周大生",
    "陈克明面条",
)
BRANDS += ("华为", "小米", "海底捞", "钱大妈", "胡姬花", "马应龙", "刘一手火锅")
COMPANIES: tuple[str, ...] = (
    "杭州云栖数据科技有限公司",
    "深圳前海鸿运贸易有限公司",
    "李记餐饮管理有限公司",
)
COMPANIES += ("王氏五金加工厂", "张江高科技园区开发股份有限公司", "宋城演艺发展股份有限公司")
COMPANIES += ("成都蓉欧物流有限公司", "黄河水利建设集团", "周口市金穗粮油有限公司")
PLACES: tuple[str, ...] = (
    "张家界",
    "马鞍山",
    "黄石",
    "周庄",
    "吴江",
    "高邮",
    "常州",
    "徐州",
    "秦皇岛",
    "温州",
)
PLACES += ("包头", "金华", "章丘", "石家庄", "潘家园", "钟楼", "武夷山", "江阴", "韩城")
PLACES_EN = ("Hangzhou", "Shenzhen Futian", "Pudong", "Xiamen", "Chengdu")
PRODUCTS = ("安心盈182天", "周周宝A", "稳利3号", "天天利", "招财宝2024A017", "鑫享年年")
HOTLINES: tuple[str, ...] = (
    "95588",
    "95555",
    "95533",
    "95599",
    "400-820-8888",
    "4006695566",
    "800-830-1234",
)
HOTLINES += ("12378", "12363")
BANKS = ("工商银行", "建设银行", "招商银行", "浦发银行", "本行", "农业银行")
HONORIFICS = ("先生", "女士", "总", "经理", "姐", "哥", "老师")


def neg_resident_id(rng: random.Random) -> str:
    """An ID-shaped number whose check character is wrong."""
    good = v.resident_id(rng).upper()
    wrong = rng.choice([c for c in "0123456789X" if c != cn_id_check_char(good[:17])])
    return good[:17] + wrong


def neg_card(rng: random.Random) -> str:
    """A 16-19 digit number starting with 62 that fails Luhn."""
    while True:
        digits = "62" + "".join(str(rng.randrange(10)) for _ in range(rng.randrange(14, 18)))
        if not luhn_ok(digits):
            return digits


def negative(rng: random.Random, slot: str) -> str | None:
    """Fills an unlabelled slot, or returns None when the slot is not a negative one."""
    year = rng.randrange(2019, 2026)
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    fills = {
        "n_id": lambda: neg_resident_id(rng),
        "n_card": lambda: neg_card(rng),
        "n_tail": lambda: f"{rng.randrange(10000):04d}",
        "order": lambda: (
            rng.choice(("DD", "TS", "", "GD"))
            + f"{year}{month:02d}{day:02d}"
            + f"{rng.randrange(10**7):07d}"
        ),
        "contract": lambda: f"HT-{year}-{rng.randrange(1, 9999):04d}-{rng.randrange(100):03d}",
        "loan": lambda: f"JJ{year}{month:02d}{rng.randrange(10**8):08d}",
        "custno": lambda: f"C{rng.randrange(10**9):09d}",
        "hotline": lambda: rng.choice(HOTLINES),
        "amount": lambda: rng.choice(
            (
                f"¥{rng.randrange(100, 99999):,}.00",
                f"{rng.randrange(1, 99)}.5万元",
                f"人民币{rng.randrange(1000, 500000)}元",
                f"{rng.randrange(1, 300)}元",
            )
        ),
        "amount_en": lambda: f"RMB {rng.randrange(1000, 90000):,}.00",
        "date": lambda: rng.choice(
            (
                f"{year}年{month}月{day}日",
                f"{year}-{month:02d}-{day:02d}",
                f"{year}/{month}/{day}",
                f"{month}月{day}号",
            )
        ),
        "date_en": lambda: f"{day} {rng.choice(('March', 'May', 'Oct'))} {year}",
        "time": lambda: f"{rng.randrange(8, 22)}:{rng.randrange(60):02d}",
        "staffno": lambda: rng.choice(("A", "HZ", "")) + f"{rng.randrange(10**5, 10**6)}",
        "product": lambda: rng.choice(PRODUCTS),
        "company": lambda: rng.choice(COMPANIES),
        "branch": lambda: (
            rng.choice(BANKS)
            + rng.choice(v.PLACES)[1].removesuffix("市")
            + rng.choice(("分行营业部", "高新支行", "城西支行", "中山路支行"))
        ),
        "place": lambda: rng.choice(PLACES),
        "place_en": lambda: rng.choice(PLACES_EN),
        "brand": lambda: rng.choice(BRANDS),
        "hon": lambda: rng.choice(v.SURNAMES[:40]) + rng.choice(HONORIFICS),
        "queue": lambda: f"A{rng.randrange(1, 300):03d}",
        "minutes": lambda: str(rng.randrange(3, 90)),
        "days": lambda: str(rng.randrange(1, 400)),
        "count": lambda: str(rng.randrange(2, 40)),
        "errcode": lambda: f"E{rng.randrange(1000, 9999)}",
    }
    make = fills.get(slot)
    return make() if make else None
